using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan.Output;
using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>
/// The plans of the last cycle, kept by a long-running process (the daemon) so that a warm cycle
/// plans again only the domains that moved. A plan is reused when the domain's spec is the very
/// object planned last time (the daemon parses a revision once) and its observation serialises to
/// the same JSON (the form golden cases are written in, so it carries everything planning reads).
/// Planning is pure apart from the MTA-STS id it proposes, which so stays as first proposed while
/// nothing changes. An undecided plan (status unknown) is always made again.
/// </summary>
public sealed class PlanMemo
{
    private Dictionary<string, Entry> previous = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, Entry>? current;
    private int reused;

    /// <summary>Plans reused by the last pass.</summary>
    public int Reused { get; private set; }

    /// <summary>Starts a pass: the domains planned until <see cref="EndPass"/> are what the next pass can reuse.</summary>
    public void BeginPass()
    {
        current = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        reused = 0;
    }

    /// <summary>
    /// The last pass's plan of this domain when its spec is the same object and its observation did not
    /// move, else <paramref name="plan"/>'s. Safe to call from several threads within a pass.
    /// </summary>
    public DomainPlan Plan(DomainSpec spec, LiveDomain live, Func<DomainSpec, LiveDomain, DomainPlan> plan)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plan);
        var pass = current ?? throw new InvalidOperationException("PlanMemo.Plan outside a pass: call BeginPass first");
        var key = DnsName.Normalize(spec.Domain);
        var fingerprint = Fingerprint(live);
        if (previous.TryGetValue(key, out var entry)
            && ReferenceEquals(entry.Spec, spec)
            && entry.Plan.Status != DomainStatus.Unknown
            && entry.Fingerprint.AsSpan().SequenceEqual(fingerprint))
        {
            Interlocked.Increment(ref reused);
        }
        else
        {
            entry = new Entry(spec, fingerprint, plan(spec, live));
        }

        pass[key] = entry;
        return entry.Plan;
    }

    /// <summary>Ends the pass: its plans replace the last pass's (a domain not planned in it is forgotten).</summary>
    public void EndPass()
    {
        var pass = current ?? throw new InvalidOperationException("PlanMemo.EndPass without BeginPass");
        previous = new Dictionary<string, Entry>(pass, StringComparer.Ordinal);
        Reused = reused;
        current = null;
    }

    private static byte[] Fingerprint(LiveDomain live) =>
        SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(live, LiveJson.Compact));

    private sealed record Entry(DomainSpec Spec, byte[] Fingerprint, DomainPlan Plan);
}
