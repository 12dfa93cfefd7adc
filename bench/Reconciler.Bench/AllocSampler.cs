using System.Diagnostics.Tracing;

namespace Reconciler.Bench;

/// <summary>Samples allocations by type through the runtime's AllocationTick events (one per ~100 KB).</summary>
public sealed class AllocSampler : EventListener
{
    private readonly Dictionary<string, long> byType = [];
    private readonly Lock gate = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.Payload![eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[eventData.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (gate)
        {
            byType[type] = byType.GetValueOrDefault(type) + amount;
        }
    }

    public void Print()
    {
        lock (gate)
        {
            foreach (var (type, amount) in byType.OrderByDescending(p => p.Value).Take(30))
            {
                Console.WriteLine($"{amount / (1024.0 * 1024.0),8:F1} MB  {type}");
            }

            byType.Clear();
        }
    }
}
