using System.Diagnostics;
using Reconciler.Observe;

namespace Reconciler.Bench;

/// <summary>Experiment: the policy fetcher alone over the floor client's targets, to compare their CPU per fetch.</summary>
public static class FetchOnly
{
    public static async Task<int> RunAsync(string targetsFile, int port, string caFile, int concurrency, CancellationToken ct)
    {
        var targets = (await File.ReadAllLinesAsync(targetsFile, ct)).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToArray();
        var options = new LiveObserverOptions { PolicyPort = port, CaFile = caFile, Concurrency = concurrency, ConnectTimeout = TimeSpan.FromSeconds(5) }; // as `plan` sets it
        using var fetcher = new PolicyFetcher(options, TimeProvider.System, new ObserveCounters());
        await fetcher.FetchAsync(targets[0][0], targets[0][1], ct);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long ok = 0;
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (t, token) =>
        {
            if ((await fetcher.FetchAsync(t[0], t[1], token)).Status == PolicyFetchStatus.Ok)
            {
                Interlocked.Increment(ref ok);
            }
        });
        process.Refresh();
        Console.WriteLine($"{targets.Length} fetches ({ok} ok): wall {wall.ElapsedMilliseconds} ms cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms");
        return 0;
    }
}
