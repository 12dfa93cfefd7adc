using System.Diagnostics;
using Reconciler.Desired;

namespace Reconciler.Bench;

/// <summary>Experiment: loading the desired state alone, a few times over (for profiling the loader).</summary>
public static class LoadOnly
{
    public static int Run(string repo, int times)
    {
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < times; i++)
        {
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var gcs = GC.CollectionCount(0);
            var wall = Stopwatch.StartNew();
            var desired = DesiredStateLoader.Load(repo);
            process.Refresh();
            Console.WriteLine($"{desired.Domains.Count} domains: wall {wall.ElapsedMilliseconds} ms cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms"
                + $" allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024.0):F0} MB gen0 GCs {GC.CollectionCount(0) - gcs}");
        }

        return 0;
    }
}
