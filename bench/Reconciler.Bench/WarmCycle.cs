using System.Net;
using Reconciler.Desired;
using Reconciler.Observe;

namespace Reconciler.Bench;

/// <summary>
/// The <c>warm</c> mode: one daemon-like process running <see cref="ReconcileCycle"/> twice with one
/// observer (and so one policy cache); the second run is the warm cycle with nothing changed.
/// </summary>
public static class WarmCycle
{
    public static async Task<int> RunAsync(string repo, IPEndPoint dns, int policyPort, string caFile, int concurrency, CancellationToken ct)
    {
        var options = new LiveObserverOptions
        {
            Resolvers = [dns],
            PolicyPort = policyPort,
            CaFile = caFile,
            Concurrency = concurrency,
        };
        using var observer = new LiveObserver(options);
        var cycle = new ReconcileCycle(observer, TimeProvider.System);

        var clock = Tools.Clock();
        var desired = DesiredStateLoader.Load(repo);
        var first = await cycle.RunAsync(desired, null, ct);
        var cold = clock.Elapsed.TotalSeconds;
        var (dns1, https1) = (observer.DnsQueries, observer.HttpsFetches);

        clock.Restart();
        desired = DesiredStateLoader.Load(repo);
        var second = await cycle.RunAsync(desired, null, ct);
        var warm = clock.Elapsed.TotalSeconds;
        Console.WriteLine(Tools.Result(
            ("cold", cold),
            ("warm", warm),
            ("warmDns", observer.DnsQueries - dns1),
            ("warmHttps", observer.HttpsFetches - https1),
            ("drift1", first.Plan.Summary.Drift),
            ("drift2", second.Plan.Summary.Drift),
            ("unknown2", second.Plan.Summary.Unknown)));
        return 0;
    }
}
