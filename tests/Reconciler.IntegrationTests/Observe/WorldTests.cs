using System.Diagnostics;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>
/// The "done when" test: a thousand domains read correctly; with a server down, nothing is Absent.
/// It runs alone, after the parallel classes: it stops and restarts its servers on their ports (which a
/// parallel class could otherwise take) and its timeouts must not compete with other suites for the CPU.
/// </summary>
[Collection(WorldCollection.Name)]
public sealed class WorldTests(WorldFixture world, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<WorldFixture>
{
    [Fact]
    public async Task A_thousand_domains_are_read_correctly()
    {
        using var observer = world.Observer();
        var clock = Stopwatch.StartNew();
        var lives = await observer.ObserveAllAsync(world.Specs, CancellationToken.None);
        clock.Stop();
        output.WriteLine($"{lives.Count} domains in {clock.Elapsed.TotalSeconds:0.00} s: {observer.DnsQueries} DNS queries, {observer.HttpsFetches} fetches");

        Assert.Equal(WorldFixture.Count, lives.Count);
        for (var i = 0; i < lives.Count; i++)
        {
            var live = lives[i];
            var d = WorldFixture.Domain(i);
            Assert.Equal(d, live.Domain);
            Assert.Equal([new MxRecord(10, $"mx.{d}")], Found(live.Mx));
            Assert.Equal([WorldFixture.Spf(i)], Found(live.ApexTxt));
            Assert.Equal([$"v=STSv1; id={i}"], Found(live.MtaStsTxt));
            Assert.Equal([$"v=TLSRPTv1; rua=mailto:tls@{d}"], Found(live.TlsRptTxt));
            Assert.Equal([$"v=DMARC1; p=reject; rua=mailto:dmarc@{d}"], Found(live.DmarcTxt));
            Assert.Equal([WorldFixture.Dkim(i)], Found(live.Dkim["s1"].Txt));
            Assert.Equal([new TlsaRecord(3, 1, 1, $"{i:x4}aa")], Found(live.Tlsa[$"mx.{d}"]));
            Assert.Equal(new SpfTree(1, 0, []), Assert.IsType<Found<SpfTree>>(live.SpfTree).Value with { Problems = [] });
            Assert.Empty(Assert.IsType<Found<SpfTree>>(live.SpfTree).Value.Problems);
            var fetch = Assert.Single(live.Policy!.Fetches);
            Assert.Equal(new PolicyFetch("127.0.0.2", PolicyFetchStatus.Ok, PolicyFailure.None, "", WorldFixture.Policy(d)), fetch);
        }

        Assert.Equal(WorldFixture.Count, observer.HttpsFetches);
        // 9 queries per domain (MX, 4 TXT, DKIM, TLSA, A+AAAA of mta-sts) plus the shared _spf include, once.
        Assert.Equal((9 * WorldFixture.Count) + 1, observer.DnsQueries);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task With_the_dns_server_down_nothing_is_absent()
    {
        await world.Dns.StopAsync();
        try
        {
            // Every query waits for its timeout: a short one and a wide fan-out keep this quick.
            using var observer = world.Observer(timeoutSeconds: 0.5, concurrency: 500);
            var lives = await observer.ObserveAllAsync(world.Specs, CancellationToken.None);
            foreach (var live in lives)
            {
                var all = Observations(live).ToList();
                Assert.Equal(8, all.Count);
                Assert.All(all, o => Assert.False(string.IsNullOrWhiteSpace(Assert.IsType<Unknown>(Reason(o)).Reason)));
                Assert.IsType<Unknown<SpfTree>>(live.SpfTree);
                Assert.IsType<Unknown<IReadOnlyList<string>>>(live.Policy!.Addresses);
                Assert.Empty(live.Policy.Fetches);
            }

            Assert.Equal(0, observer.HttpsFetches);
        }
        finally
        {
            await world.Dns.StartAsync();
        }
    }

    [Fact]
    public async Task With_the_https_host_down_every_fetch_is_unreachable()
    {
        await world.Https.StopAsync();
        try
        {
            using var observer = world.Observer();
            var lives = await observer.ObserveAllAsync(world.Specs, CancellationToken.None);
            foreach (var live in lives)
            {
                var fetch = Assert.Single(live.Policy!.Fetches);
                Assert.Equal(new PolicyFetch("127.0.0.2", PolicyFetchStatus.Unreachable, PolicyFailure.Connection, "connection refused", null), fetch);
                Assert.IsType<Found<IReadOnlyList<string>>>(live.MtaStsTxt);
            }
        }
        finally
        {
            await world.Https.StartAsync();
        }
    }

    private static IReadOnlyList<T> Found<T>(Observation<IReadOnlyList<T>> observation) =>
        Assert.IsType<Found<IReadOnlyList<T>>>(observation).Value;

    private sealed record Unknown(string Reason);

    private static object Reason(object observation) => observation switch
    {
        Unknown<IReadOnlyList<string>> u => new Unknown(u.Reason),
        Unknown<IReadOnlyList<MxRecord>> u => new Unknown(u.Reason),
        Unknown<IReadOnlyList<TlsaRecord>> u => new Unknown(u.Reason),
        _ => observation,
    };

    private static IEnumerable<object> Observations(LiveDomain live)
    {
        yield return live.Mx;
        yield return live.ApexTxt;
        yield return live.MtaStsTxt;
        yield return live.TlsRptTxt;
        yield return live.DmarcTxt;
        foreach (var dkim in live.Dkim.Values)
        {
            yield return dkim.CnameChain;
            yield return dkim.Txt;
        }

        foreach (var tlsa in live.Tlsa.Values)
        {
            yield return tlsa;
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorldCollection
{
    public const string Name = "Observe world (alone)";
}
