using System.Diagnostics;
using System.Net;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan.Output;

namespace Reconciler.Bench;

/// <summary>The <c>probe</c> mode: wall and CPU time of each stage of one cycle, in-process (for profiling).</summary>
public static class Probe
{
    public static async Task<int> RunAsync(string repo, IPEndPoint dns, int policyPort, string caFile, int concurrency, CancellationToken ct)
    {
        var process = Process.GetCurrentProcess();
        var wall = Stopwatch.StartNew();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        void Mark(string stage)
        {
            Console.Write($"alloc {(GC.GetTotalAllocatedBytes() - allocated) / 1048576,6} MB  ");
            allocated = GC.GetTotalAllocatedBytes();
            process.Refresh();
            Console.WriteLine($"{stage,-12} wall {wall.Elapsed.TotalMilliseconds,8:F0} ms  cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds,8:F0} ms  gc0 {GC.CollectionCount(0)} gc2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms jit {System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms heap {GC.GetTotalMemory(false) / 1048576} MB live {(Environment.GetEnvironmentVariable("PROBE_MEM") is null ? 0 : GC.GetTotalMemory(true) / 1048576)} MB rss {Environment.WorkingSet / 1048576} MB");
            wall.Restart();
            cpu = process.TotalProcessorTime;
        }

        var desired = DesiredStateLoader.Load(repo);
        Mark("load");
        var specs = desired.Domains.ToList();
        var observer = new LiveObserver(new LiveObserverOptions { Resolvers = [dns], PolicyPort = policyPort, CaFile = caFile, Concurrency = concurrency, Timeout = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("PROBE_TIMEOUT") ?? "5", System.Globalization.CultureInfo.InvariantCulture)) });
        var live = await observer.ObserveAllAsync(specs, ct);
        Mark("observe");
        Console.WriteLine($"  {observer.DnsQueries} DNS queries, {observer.HttpsFetches} HTTPS fetches");
        var warmLoops = int.Parse(Environment.GetEnvironmentVariable("PROBE_WARM") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < warmLoops; i++)
        {
            live = await observer.ObserveAllAsync(specs, ct);
            Mark("observe2");
        }
        var plan = ReconcileCycle.Plan(desired, live, TimeProvider.System);
        Mark("plan");
        var loops = int.Parse(Environment.GetEnvironmentVariable("PROBE_LOOPS") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < loops; i++)
        {
            plan = ReconcileCycle.Plan(desired, live, TimeProvider.System);
            Mark("plan2");
        }

        for (var i = 0; i < loops; i++)
        {
            desired = DesiredStateLoader.Load(repo);
            Mark("load2");
        }
        await using (var sink = Stream.Null)
        {
            await PlanJson.WriteAsync(sink, plan, ct);
        }

        Mark("json");
        live = [];
        plan = null;
        Mark("drop-live");
        observer.Dispose();
        observer = null!;
        desired = null!;
        specs = null!;
        Mark("drop-observer");
        return 0;
    }
}
