using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reconciler.Host.Daemon;
using Reconciler.Observe;
using Reconciler.Sources;

namespace Reconciler.Bench;

/// <summary>
/// The <c>warm</c> mode: the daemon's own cycle (<see cref="PipelineCycleRunner"/> over a
/// <see cref="DirectorySource"/>, reporting off) run twice in one process; the second run is the
/// warm cycle with nothing changed: same revision (the desired state is not parsed again), DNS asked
/// again, policies from the cadence cache.
/// </summary>
public static class WarmCycle
{
    public static async Task<int> RunAsync(string repo, IPEndPoint dns, int policyPort, string caFile, int concurrency, CancellationToken ct)
    {
        var observe = new LiveObserverOptions
        {
            Resolvers = [dns],
            PolicyPort = policyPort,
            CaFile = caFile,
            Concurrency = concurrency,
        };
        var metrics = new DaemonMetrics();
        using var runner = new PipelineCycleRunner(
            new DirectorySource(repo), observe, null, new ReconcilerOptions(), metrics, TimeProvider.System, Environment.GetEnvironmentVariable("BENCH_LOG") == "1" ? Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole()) : NullLoggerFactory.Instance);
        var trigger = new CycleTrigger(CycleReason.Interval, MayWrite: false, ShardSpec.All);

        var clock = Tools.Clock();
        var first = await runner.RunOnceAsync(trigger, ct);
        var cold = clock.Elapsed.TotalSeconds;
        var (dns1, https1) = (metrics.Requests("dns"), metrics.Requests("https"));

        clock.Restart();
        var second = await runner.RunOnceAsync(trigger, ct);
        var warm = clock.Elapsed.TotalSeconds;
        Console.WriteLine(Tools.Result(
            ("cold", cold),
            ("warm", warm),
            ("warmDns", metrics.Requests("dns") - dns1),
            ("warmHttps", metrics.Requests("https") - https1),
            ("drift1", first.Drift),
            ("drift2", second.Drift),
            ("unknown2", second.Unknown)));
        return 0;
    }
}
