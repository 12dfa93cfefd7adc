using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Plan.Output;

namespace Reconciler.Bench;

/// <summary>
/// Experiment: planning alone. Observes the world once and writes the observations to FILE (JSON, the
/// recorded-live form), or reads FILE when it exists; then plans every domain TIMES over, single-threaded
/// (<see cref="ReconcileCycle.Plan"/>, a fixed clock) and prints CPU and allocations per pass. With
/// <c>PLANONLY_DUMP=path</c> it writes the last plan (JSON, plus the policy bodies the JSON leaves out)
/// so that two builds can be compared byte for byte.
/// </summary>
public static class PlanOnly
{
    public static async Task<int> RunAsync(string repo, IPEndPoint dns, int policyPort, string caFile, string file, int times, CancellationToken ct)
    {
        var desired = DesiredStateLoader.Load(repo);
        IReadOnlyList<LiveDomain> live;
        if (File.Exists(file))
        {
            await using var input = File.OpenRead(file);
            live = await JsonSerializer.DeserializeAsync<List<LiveDomain>>(input, LiveJson.Compact, ct)
                ?? throw new InvalidDataException($"{file} holds no observations");
        }
        else
        {
            using var observer = new LiveObserver(new LiveObserverOptions
            {
                Resolvers = [dns],
                PolicyPort = policyPort,
                CaFile = caFile,
                Concurrency = 64,
                Timeout = TimeSpan.FromSeconds(5),
            });
            live = await observer.ObserveAllAsync(desired.Domains, ct);
            await using var output = File.Create(file);
            await JsonSerializer.SerializeAsync(output, live, LiveJson.Compact, ct);
        }

        using var allocations = Environment.GetEnvironmentVariable("PLANONLY_ALLOCS") is "1" ? new AllocationSampler() : null;
        var time = new FixedTime(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
        var process = Process.GetCurrentProcess();
        ReconcilePlan? plan = null;
        for (var i = 0; i < times; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var gcs = GC.CollectionCount(0);
            var wall = Stopwatch.StartNew();
            plan = ReconcileCycle.Plan(desired, live, time);
            wall.Stop();
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"plan {live.Count} domains: wall {wall.Elapsed.TotalMilliseconds,6:F0} ms  cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds,6:F0} ms  " +
                $"alloc {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0,7:F1} MB  gc0 {GC.CollectionCount(0) - gcs}"));
        }

        allocations?.Print();
        if (Environment.GetEnvironmentVariable("PLANONLY_DUMP") is { Length: > 0 } dump && plan is not null)
        {
            var text = new StringBuilder(PlanJson.Serialize(plan));
            foreach (var domain in plan.Domains)
            {
                text.Append('\n').Append(domain.Domain).Append('\n')
                    .Append(domain.MtaSts?.DeclaredPolicy).Append("\n--\n").Append(domain.MtaSts?.LivePolicy);
            }

            await File.WriteAllTextAsync(dump, text.ToString(), ct);
        }

        return 0;
    }

    /// <summary>The runtime's allocation samples (one per ~100 KB allocated), counted by type.</summary>
    private sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<string, long> bytes = new(StringComparer.Ordinal);

        public void Print()
        {
            lock (bytes)
            {
                foreach (var (type, total) in bytes.OrderByDescending(p => p.Value).Take(40))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1048576.0,8:F1} MB  {type}"));
                }
            }
        }

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
            {
                return;
            }

            var type = eventData.Payload[eventData.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
            var amount = Convert.ToInt64(eventData.Payload[eventData.PayloadNames!.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
            lock (bytes)
            {
                bytes[type] = bytes.GetValueOrDefault(type) + amount;
            }
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
