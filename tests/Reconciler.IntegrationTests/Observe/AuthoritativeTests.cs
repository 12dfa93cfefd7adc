using System.Globalization;
using System.Net;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>
/// --authoritative: auth.test is served by two Knots (ns1 at 127.0.0.1, ns2 at 127.0.0.4, one port)
/// that disagree on two names; the first NS answers the observation, the differences are reported.
/// </summary>
public sealed class AuthoritativeTests : IAsyncLifetime
{
    private static readonly IPAddress Ns2Address = IPAddress.Parse("127.0.0.4");
    private KnotServer ns1 = null!;
    private KnotServer ns2 = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Find(Ns2Address);
        ns1 = await KnotServer.StartAsync([Zone("reject", "1"), new ZoneBuilder("elsewhere.test").Txt("key", "v=DKIM1; p=OUT")], address: IPAddress.Loopback, port: port);
        ns2 = await KnotServer.StartAsync([Zone("none", "2")], address: Ns2Address, port: port);
    }

    public async Task DisposeAsync()
    {
        await ns1.DisposeAsync();
        await ns2.DisposeAsync();
    }

    private LiveObserver Observer() => new(new LiveObserverOptions
    {
        Resolvers = [ns1.EndPoint],
        Authoritative = true,
        AuthoritativePort = ns1.EndPoint.Port,
        Timeout = TimeSpan.FromSeconds(1),
        DnsRetries = 0,
    });

    private static string Label(string host, KnotServer server) => $"{host}.auth.test ({server.EndPoint})";

    [Fact]
    public async Task The_first_server_answers_and_disagreements_are_reported()
    {
        using var observer = Observer();
        var live = await observer.ObserveAsync(ObserveFixture.Spec("d.auth.test", dkim: ["s1"]), CancellationToken.None);

        Assert.Equal(["v=DMARC1; p=reject"], Assert.IsType<Found<IReadOnlyList<string>>>(live.DmarcTxt).Value);
        Assert.Equal(["v=STSv1; id=1"], Assert.IsType<Found<IReadOnlyList<string>>>(live.MtaStsTxt).Value);
        // The DKIM CNAME leaves the zone: its target is asked through the resolver.
        Assert.Equal(["key.elsewhere.test"], Assert.IsType<Found<IReadOnlyList<string>>>(live.Dkim["s1"].CnameChain).Value);
        Assert.Equal(["v=DKIM1; p=OUT"], Assert.IsType<Found<IReadOnlyList<string>>>(live.Dkim["s1"].Txt).Value);

        Assert.Equal(2, live.NsDisagreements.Count);
        var dmarc = Assert.Single(live.NsDisagreements, d => d.Name == "_dmarc.d.auth.test");
        Assert.Equal("TXT", dmarc.Type);
        Assert.Equal("TXT \"v=DMARC1; p=reject\"", dmarc.Answers[Label("ns1", ns1)]);
        Assert.Equal("TXT \"v=DMARC1; p=none\"", dmarc.Answers[Label("ns2", ns2)]);
        var sts = Assert.Single(live.NsDisagreements, d => d.Name == "_mta-sts.d.auth.test");
        Assert.Equal("TXT \"v=STSv1; id=2\"", sts.Answers[Label("ns2", ns2)]);
    }

    [Fact]
    public async Task A_silent_secondary_is_a_disagreement_with_its_error()
    {
        await ns2.StopAsync();
        try
        {
            using var observer = Observer();
            var live = await observer.ObserveAsync(ObserveFixture.Spec("d.auth.test"), CancellationToken.None);
            Assert.Equal(["v=DMARC1; p=reject"], Assert.IsType<Found<IReadOnlyList<string>>>(live.DmarcTxt).Value);
            var mx = Assert.Single(live.NsDisagreements, d => d.Name == "d.auth.test" && d.Type == "MX");
            Assert.Equal("MX 10 mx1.d.auth.test", mx.Answers[Label("ns1", ns1)]);
            Assert.StartsWith("error:", mx.Answers[Label("ns2", ns2)], StringComparison.Ordinal);
        }
        finally
        {
            await ns2.StartAsync();
        }
    }

    private static ZoneBuilder Zone(string policy, string id) => new ZoneBuilder("auth.test")
        .NameServers(("ns1", "127.0.0.1"), ("ns2", Ns2Address.ToString()))
        .Mx("d", 10, "mx1.d.auth.test.")
        .A("mx1.d", "192.0.2.1")
        .Txt("d", "v=spf1 -all")
        .Txt("_dmarc.d", string.Create(CultureInfo.InvariantCulture, $"v=DMARC1; p={policy}"))
        .Txt("_mta-sts.d", $"v=STSv1; id={id}")
        .Cname("s1._domainkey.d", "key.elsewhere.test.");
}
