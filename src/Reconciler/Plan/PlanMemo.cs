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

    /// <summary>Plans reused by the last call.</summary>
    public int Reused { get; private set; }

    /// <summary>One plan per spec (same order), made with <paramref name="plan"/> where the memo has none; spreads the work over the cores.</summary>
    public DomainPlan[] PlanAll(
        IReadOnlyList<DomainSpec> specs,
        IReadOnlyList<LiveDomain> live,
        Func<DomainSpec, LiveDomain, DomainPlan> plan,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plan);
        var last = previous;
        var entries = new Entry[specs.Count];
        var reused = 0;
        Parallel.For(0, specs.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var spec = specs[i];
            var fingerprint = Fingerprint(live[i]);
            if (last.TryGetValue(DnsName.Normalize(spec.Domain), out var entry)
                && ReferenceEquals(entry.Spec, spec)
                && entry.Plan.Status != DomainStatus.Unknown
                && entry.Fingerprint.AsSpan().SequenceEqual(fingerprint))
            {
                Interlocked.Increment(ref reused);
                entries[i] = entry;
                return;
            }

            entries[i] = new Entry(spec, fingerprint, plan(spec, live[i]));
        });

        var next = new Dictionary<string, Entry>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            next[DnsName.Normalize(entry.Spec.Domain)] = entry;
        }

        previous = next;
        Reused = reused;
        return [.. entries.Select(e => e.Plan)];
    }

    private static byte[] Fingerprint(LiveDomain live) =>
        SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(live, PlanJson.Compact));

    private sealed record Entry(DomainSpec Spec, byte[] Fingerprint, DomainPlan Plan);
}
