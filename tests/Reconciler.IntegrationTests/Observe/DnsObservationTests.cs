using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.IntegrationTests.Observe;

[Collection(ObserveCollection.Name)]
public sealed class DnsObservationTests(ObserveFixture fixture)
{
    private static IReadOnlyList<T> FoundValue<T>(Observation<IReadOnlyList<T>> observation) =>
        Assert.IsType<Found<IReadOnlyList<T>>>(observation).Value;

    [Fact]
    public async Task Every_record_of_a_full_domain_is_found()
    {
        using var observer = fixture.Observer();
        var live = await observer.ObserveAsync(
            ObserveFixture.Spec("Full.Obs.Test.", mtaSts: true, dkim: ["s1"], dane: ["MX1.full.obs.test"], rua: "mailto:d@reports.other.test,mailto:x@sub.full.obs.test"),
            CancellationToken.None);

        Assert.Equal("full.obs.test", live.Domain);
        Assert.Equal([new MxRecord(10, "mx1.full.obs.test"), new MxRecord(20, "mx2.full.obs.test")], FoundValue(live.Mx).OrderBy(m => m.Preference));
        Assert.Equal(["google-site-verification=abc", "v=spf1 include:_spf.shared.obs.test -all"], FoundValue(live.ApexTxt).Order(StringComparer.Ordinal));
        Assert.Equal(["v=STSv1; id=20240101"], FoundValue(live.MtaStsTxt));
        Assert.Equal(["v=TLSRPTv1; rua=mailto:tls@full.obs.test"], FoundValue(live.TlsRptTxt));
        Assert.Equal([ObserveFixture.LongDmarc], FoundValue(live.DmarcTxt));
        Assert.True(ObserveFixture.LongDmarc.Length > 255);

        var dkim = Assert.Single(live.Dkim);
        Assert.Equal("s1", dkim.Key);
        Assert.Empty(FoundValue(dkim.Value.CnameChain));
        Assert.Equal(["v=DKIM1; k=rsa; p=AAAA"], FoundValue(dkim.Value.Txt));

        var tlsa = Assert.Single(live.Tlsa);
        Assert.Equal("mx1.full.obs.test", tlsa.Key);
        Assert.Equal([new TlsaRecord(3, 1, 1, "2f5c0bad00ff")], FoundValue(tlsa.Value));

        var auth = Assert.Single(live.DmarcReportAuth);
        Assert.Equal("full.obs.test._report._dmarc.reports.other.test", auth.Key);
        Assert.Equal(["v=DMARC1"], FoundValue(auth.Value));

        Assert.NotNull(live.Policy);
        Assert.Equal(["127.0.0.2", "127.0.0.3"], FoundValue(live.Policy.Addresses).Order(StringComparer.Ordinal));
        Assert.All(live.Policy.Fetches, f => Assert.Equal((PolicyFetchStatus.Ok, ObserveFixture.PolicyLf), (f.Status, f.Body)));

        var spf = Assert.IsType<Found<SpfTree>>(live.SpfTree).Value;
        Assert.Equal(1, spf.DnsLookups);
        Assert.Empty(live.NsDisagreements);
    }

    [Fact]
    public async Task Nxdomain_and_nodata_are_absent_with_their_kind()
    {
        using var observer = fixture.Observer();
        var nx = await observer.ObserveAsync(ObserveFixture.Spec("nothing.obs.test", dkim: ["s1"], dane: ["mx.nothing.obs.test"]), CancellationToken.None);
        Assert.Equal(new Absent<IReadOnlyList<MxRecord>>(AbsenceKind.NxDomain), nx.Mx);
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), nx.ApexTxt);
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), nx.DmarcTxt);
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), nx.Dkim["s1"].Txt);
        Assert.Equal(new Absent<IReadOnlyList<TlsaRecord>>(AbsenceKind.NxDomain), nx.Tlsa["mx.nothing.obs.test"]);
        Assert.Equal(new Absent<SpfTree>(AbsenceKind.NxDomain), nx.SpfTree);
        Assert.Null(nx.Policy);

        var bare = await observer.ObserveAsync(ObserveFixture.Spec("bare.obs.test", mtaSts: true), CancellationToken.None);
        Assert.Equal(new Absent<IReadOnlyList<MxRecord>>(AbsenceKind.NoData), bare.Mx);
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NoData), bare.ApexTxt);
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), bare.MtaStsTxt);
        Assert.NotNull(bare.Policy);
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), bare.Policy.Addresses);
        Assert.Empty(bare.Policy.Fetches);
    }

    [Fact]
    public async Task Dkim_cname_chains_are_followed_and_recorded()
    {
        using var observer = fixture.Observer();
        var live = await observer.ObserveAsync(ObserveFixture.Spec("full.obs.test", dkim: ["s2", "s3", "s4", "s5", "s6", "s7", "s8"]), CancellationToken.None);

        // Out of zone: the server answers with the CNAME alone; the chain is followed by asking again.
        Assert.Equal(["s2.keys.other.test"], FoundValue(live.Dkim["s2"].CnameChain));
        Assert.Equal(["v=DKIM1; k=rsa; p=BBBB"], FoundValue(live.Dkim["s2"].Txt));
        Assert.Equal(["s3-hop.full.obs.test", "s3.keys.other.test"], FoundValue(live.Dkim["s3"].CnameChain));
        Assert.Equal(["v=DKIM1; k=rsa; p=CCCC"], FoundValue(live.Dkim["s3"].Txt));

        // Dangling in zone and out of zone: the chain is known, the TXT is absent.
        Assert.Equal(["gone.full.obs.test"], FoundValue(live.Dkim["s4"].CnameChain));
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), live.Dkim["s4"].Txt);
        Assert.Equal(["missing.other.test"], FoundValue(live.Dkim["s6"].CnameChain));
        Assert.Equal(new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain), live.Dkim["s6"].Txt);

        // Loop: undecided.
        var loop = Assert.IsType<Unknown<IReadOnlyList<string>>>(live.Dkim["s5"].Txt);
        Assert.Contains("CNAME loop", loop.Reason, StringComparison.Ordinal);
        Assert.IsType<Unknown<IReadOnlyList<string>>>(live.Dkim["s5"].CnameChain);

        // At most eight hops are followed.
        Assert.Contains("longer than 8 hops", Assert.IsType<Unknown<IReadOnlyList<string>>>(live.Dkim["s7"].Txt).Reason, StringComparison.Ordinal);
        Assert.Equal(8, FoundValue(live.Dkim["s8"].CnameChain).Count);
        Assert.Equal(["v=DKIM1; p=FAR"], FoundValue(live.Dkim["s8"].Txt));
    }

    [Fact]
    public async Task Servfail_is_unknown_never_absent()
    {
        using var observer = fixture.Observer();
        var live = await observer.ObserveAsync(ObserveFixture.Spec("x.broken.test", mtaSts: true), CancellationToken.None);
        var unknown = Assert.IsType<Unknown<IReadOnlyList<MxRecord>>>(live.Mx);
        Assert.Contains("SERVFAIL", unknown.Reason, StringComparison.Ordinal);
        Assert.Contains(fixture.Dns.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), unknown.Reason, StringComparison.Ordinal);
        Assert.IsType<Unknown<IReadOnlyList<string>>>(live.ApexTxt);
        Assert.IsType<Unknown<SpfTree>>(live.SpfTree);
        Assert.NotNull(live.Policy);
        Assert.IsType<Unknown<IReadOnlyList<string>>>(live.Policy.Addresses);
        Assert.Empty(live.Policy.Fetches);
    }

    [Fact]
    public async Task Refused_is_unknown()
    {
        using var observer = fixture.Observer();
        var live = await observer.ObserveAsync(ObserveFixture.Spec("not-served.example"), CancellationToken.None);
        Assert.Contains("REFUSED", Assert.IsType<Unknown<IReadOnlyList<string>>>(live.DmarcTxt).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_and_udp_observe_the_same_domain_alike()
    {
        var spec = ObserveFixture.Spec("full.obs.test", mtaSts: true, dkim: ["s1"], dane: ["mx1.full.obs.test"], rua: "mailto:d@reports.other.test");
        using var overTcp = new LiveObserver(fixture.Options() with { DnsProtocol = Reconciler.Observe.Dns.DnsProtocol.Tcp });
        using var overUdp = new LiveObserver(fixture.Options() with { DnsProtocol = Reconciler.Observe.Dns.DnsProtocol.Udp });

        var tcp = await overTcp.ObserveAsync(spec, CancellationToken.None);
        var udp = await overUdp.ObserveAsync(spec, CancellationToken.None);

        // The long DMARC record (over 255 octets, several strings) and the TXT sets read the same either way.
        Assert.Equal(Reconciler.Observe.LiveJson.Serialize(udp), Reconciler.Observe.LiveJson.Serialize(tcp));
        Assert.Equal([ObserveFixture.LongDmarc], FoundValue(tcp.DmarcTxt));
    }

    [Fact]
    public async Task A_silent_server_times_out_as_unknown()
    {
        using var silent = new SilentDnsServer();
        using var observer = fixture.Observer(silent.EndPoint);
        var live = await observer.ObserveAsync(ObserveFixture.Spec("full.obs.test"), CancellationToken.None);
        Assert.Contains("timeout", Assert.IsType<Unknown<IReadOnlyList<MxRecord>>>(live.Mx).Reason, StringComparison.Ordinal);
        Assert.IsType<Unknown<IReadOnlyList<string>>>(live.TlsRptTxt);
    }

    [Fact]
    public async Task No_server_on_the_port_is_unknown()
    {
        var port = FreePort.Find(System.Net.IPAddress.Loopback);
        using var observer = fixture.Observer(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        var live = await observer.ObserveAsync(ObserveFixture.Spec("full.obs.test"), CancellationToken.None);
        Assert.IsType<Unknown<IReadOnlyList<MxRecord>>>(live.Mx);
        Assert.IsType<Unknown<IReadOnlyList<string>>>(live.ApexTxt);
    }

    [Theory]
    [InlineData(1, "FORMERR")]
    [InlineData(2, "SERVFAIL")]
    [InlineData(4, "NOTIMP")]
    [InlineData(5, "REFUSED")]
    public async Task Error_rcodes_are_unknown_with_their_name(int rcode, string name)
    {
        using var server = new RcodeDnsServer(rcode);
        using var observer = fixture.Observer(server.EndPoint);
        var live = await observer.ObserveAsync(ObserveFixture.Spec("full.obs.test"), CancellationToken.None);
        var reason = Assert.IsType<Unknown<IReadOnlyList<string>>>(live.MtaStsTxt).Reason;
        Assert.Contains(name, reason, StringComparison.Ordinal);
        Assert.Contains(server.EndPoint.ToString(), reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_with_no_tcp_server_is_unknown()
    {
        using var server = new RcodeDnsServer(0, truncate: true);
        using var observer = fixture.Observer(server.EndPoint);
        var live = await observer.ObserveAsync(ObserveFixture.Spec("full.obs.test"), CancellationToken.None);
        var reason = Assert.IsType<Unknown<IReadOnlyList<string>>>(live.DmarcTxt).Reason;
        Assert.Contains("_dmarc.full.obs.test TXT", reason, StringComparison.Ordinal);
        Assert.IsType<Unknown<IReadOnlyList<MxRecord>>>(live.Mx);
    }

    [Fact]
    public async Task An_echoed_query_is_unknown_never_nodata()
    {
        using var server = new RcodeDnsServer(0, echo: true);
        using var observer = fixture.Observer(server.EndPoint);
        var live = await observer.ObserveAsync(ObserveFixture.Spec("full.obs.test"), CancellationToken.None);
        Assert.Contains("QR bit clear", Assert.IsType<Unknown<IReadOnlyList<string>>>(live.DmarcTxt).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_thrown_not_reported_as_unknown()
    {
        using var observer = fixture.Observer();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => observer.ObserveAllAsync([ObserveFixture.Spec("full.obs.test", mtaSts: true)], cancelled.Token));
    }

    [Fact]
    public async Task Cancellation_while_waiting_for_a_silent_server_is_thrown()
    {
        using var silent = new SilentDnsServer();
        using var observer = fixture.Observer(silent.EndPoint);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => observer.ObserveAsync(ObserveFixture.Spec("full.obs.test"), cancel.Token));
    }

    [Fact]
    public async Task Identical_queries_in_one_run_are_sent_once()
    {
        using var observer = fixture.Observer();
        await observer.ObserveAllAsync([ObserveFixture.Spec("full.obs.test"), ObserveFixture.Spec("full.obs.test")], CancellationToken.None);
        var twice = observer.DnsQueries;
        using var single = fixture.Observer();
        await single.ObserveAsync(ObserveFixture.Spec("full.obs.test"), CancellationToken.None);
        Assert.True(single.DnsQueries > 0);
        Assert.Equal(single.DnsQueries, twice);
    }
}
