using Reconciler.Observe;
using Reconciler.Plan;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>DNS and HTTPS faults the other suites do not reach: observed for real, then planned (no false drift).</summary>
[Collection(FaultCollection.Name)]
public sealed class ObservationFaultTests(FaultWorld world)
{
    private async Task<LiveDomain> ObserveAsync(Desired.DomainSpec spec, Reconciler.Observe.Dns.DnsProtocol protocol = Reconciler.Observe.Dns.DnsProtocol.Tcp)
    {
        using var observer = new LiveObserver(world.Options() with { DnsProtocol = protocol });
        return await observer.ObserveAsync(spec, CancellationToken.None);
    }

    private static DomainPlan PlanOf(Desired.DomainSpec spec, LiveDomain live) => Planner.Plan(spec, live, TimeProvider.System);

    [Theory]
    [InlineData(Reconciler.Observe.Dns.DnsProtocol.Udp)]
    [InlineData(Reconciler.Observe.Dns.DnsProtocol.Tcp)]
    public async Task A_truncated_udp_answer_is_asked_again_over_tcp_and_found_whole(Reconciler.Observe.Dns.DnsProtocol protocol)
    {
        var live = await ObserveAsync(FaultWorld.Bare("big.faults.test"), protocol);

        var txt = Assert.Single(Assert.IsType<Found<IReadOnlyList<string>>>(live.ApexTxt).Value);
        Assert.StartsWith("v=spf1 ip4:192.0.2.0 ", txt, StringComparison.Ordinal);
        Assert.EndsWith(" -all", txt, StringComparison.Ordinal);
        Assert.True(txt.Length > 4096, $"the record ({txt.Length} bytes) must not fit a UDP answer");
    }

    [Theory]
    [InlineData(Reconciler.Observe.Dns.DnsProtocol.Udp)]
    [InlineData(Reconciler.Observe.Dns.DnsProtocol.Tcp)]
    public async Task An_answer_over_64_KiB_is_unknown_never_absent(Reconciler.Observe.Dns.DnsProtocol protocol)
    {
        var spec = FaultWorld.Bare("huge.faults.test");
        var live = await ObserveAsync(spec, protocol);

        var unknown = Assert.IsType<Unknown<IReadOnlyList<string>>>(live.ApexTxt);
        Assert.Contains("SERVFAIL", unknown.Reason, StringComparison.Ordinal);
        Assert.Contains("huge.faults.test", unknown.Reason, StringComparison.Ordinal);
        Assert.IsNotType<Absent<SpfTree>>(live.SpfTree);
    }

    [Fact]
    public async Task A_cname_loop_at_the_policy_host_is_unknown_and_nothing_is_fetched()
    {
        var spec = FaultWorld.MtaStsSpec("loop.faults.test");
        var live = await ObserveAsync(spec);

        var policy = Assert.IsType<PolicyObservation>(live.Policy);
        Assert.Contains("CNAME loop", Assert.IsType<Unknown<IReadOnlyList<string>>>(policy.Addresses).Reason, StringComparison.Ordinal);
        Assert.Empty(policy.Fetches);
        Assert.DoesNotContain(PlanOf(spec, live).Findings, f => f.Check == Checks.MtaStsPolicy && f.Kind == FindingKind.Missing);
    }

    [Fact]
    public async Task A_connection_reset_mid_body_is_unreachable_and_plans_unknown()
    {
        var spec = FaultWorld.MtaStsSpec("reset.faults.test");
        var live = await ObserveAsync(spec);

        var fetch = Assert.Single(live.Policy!.Fetches);
        Assert.Equal(("127.0.0.4", PolicyFetchStatus.Unreachable, (string?)null), (fetch.Address, fetch.Status, fetch.Body));
        Assert.NotEqual(PolicyFailure.None, fetch.Failure);
        Assert.False(string.IsNullOrWhiteSpace(fetch.Detail));
        var plan = PlanOf(spec, live);
        Assert.Equal(DomainStatus.Unknown, plan.Status);
        var finding = Assert.Single(plan.Findings, f => f.Check == Checks.MtaStsPolicy);
        Assert.Equal(FindingKind.Unreachable, finding.Kind);
        Assert.Null(plan.MtaSts?.ProposedId);
    }

    [Fact]
    public async Task A_self_signed_certificate_is_refused_as_senders_would_and_is_real_drift()
    {
        var spec = FaultWorld.MtaStsSpec("selfsigned.faults.test");
        var live = await ObserveAsync(spec);

        var fetch = Assert.Single(live.Policy!.Fetches);
        Assert.Equal((PolicyFetchStatus.Refused, PolicyFailure.Certificate), (fetch.Status, fetch.Failure));
        Assert.Equal("untrusted root", fetch.Detail);
        var plan = PlanOf(spec, live);
        Assert.Equal(DomainStatus.Drift, plan.Status);
        Assert.Contains(plan.Findings, f => f.Check == Checks.MtaStsPolicy && f.Kind != FindingKind.Unreachable);
    }

    [Fact]
    public async Task A_trickling_policy_body_plans_unknown_not_drift()
    {
        var spec = FaultWorld.MtaStsSpec("trickle.faults.test");
        var live = await ObserveAsync(spec);

        Assert.Equal(PolicyFailure.Timeout, Assert.Single(live.Policy!.Fetches).Failure);
        var plan = PlanOf(spec, live);
        Assert.Equal(DomainStatus.Unknown, plan.Status);
        Assert.All(plan.Findings.Where(f => f.Check == Checks.MtaStsPolicy), f => Assert.Equal(FindingKind.Unreachable, f.Kind));
    }

    [Fact]
    public async Task The_clean_policy_host_is_in_sync_so_the_faults_above_are_the_faults()
    {
        var spec = FaultWorld.MtaStsSpec("clean.faults.test");
        var plan = PlanOf(spec, await ObserveAsync(spec));
        Assert.Equal(DomainStatus.InSync, plan.Status);
    }
}

/// <summary>Answers that look like DNS but decide nothing: never a conclusion, never Absent.</summary>
[Collection(FaultCollection.Name)]
public sealed class MalformedDnsAnswerTests
{
    [Theory]
    [InlineData(DnsMisbehaviour.NoQuestion)]
    [InlineData(DnsMisbehaviour.OtherQuestion)]
    [InlineData(DnsMisbehaviour.WrongId)]
    [InlineData(DnsMisbehaviour.TruncatedThenTcpClosed)]
    [InlineData(DnsMisbehaviour.HttpOnTcp)]
    public async Task A_malformed_or_foreign_answer_is_unknown_never_absent(DnsMisbehaviour mode)
    {
        using var server = new MisbehavingDnsServer(mode);
        using var observer = new LiveObserver(new LiveObserverOptions
        {
            Resolvers = [server.EndPoint],
            Timeout = TimeSpan.FromSeconds(1),
            DnsRetries = 0,
        });
        var spec = FaultWorld.MtaStsSpec("x.probe.test");

        var live = await observer.ObserveAsync(spec, CancellationToken.None);

        foreach (var observation in new object[] { live.Mx, live.ApexTxt, live.MtaStsTxt, live.TlsRptTxt, live.DmarcTxt })
        {
            Assert.Contains("Unknown", observation.GetType().Name, StringComparison.Ordinal);
        }

        var reason = Assert.IsType<Unknown<IReadOnlyList<string>>>(live.MtaStsTxt).Reason;
        Assert.Contains(server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);
        var plan = Planner.Plan(spec, live, TimeProvider.System);
        Assert.Equal(DomainStatus.Unknown, plan.Status);
        Assert.All(plan.Findings, f => Assert.Equal(FindingKind.Unreachable, f.Kind));
    }
}
