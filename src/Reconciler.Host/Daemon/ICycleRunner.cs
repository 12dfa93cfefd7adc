namespace Reconciler.Host.Daemon;

/// <summary>
/// The one seam between the daemon and the pipeline: one pass Desired → Observe → Diff → Plan → Report.
/// The daemon decides when a pass runs; the runner decides what it does.
/// </summary>
public interface ICycleRunner
{
    /// <summary>Runs one reconciliation pass. Throwing marks the cycle failed; the daemon retries next tick.</summary>
    Task<CycleOutcome> RunOnceAsync(CycleTrigger trigger, CancellationToken ct);
}

/// <summary>Why a cycle runs.</summary>
public enum CycleReason
{
    Startup,
    Interval,
    Webhook,
    RevisionChanged,
    BecameLeader,
}

/// <summary>
/// What the runner is asked to do. <see cref="MayWrite"/> is false on a follower (leader election)
/// and with <c>--dry-run</c>: observe and plan, never write to GitHub. <see cref="Shard"/> says which
/// domains this replica owns.
/// </summary>
public sealed record CycleTrigger(CycleReason Reason, bool MayWrite, ShardSpec Shard);

/// <summary>The summary of one cycle: what the daemon logs, exports as metrics and bases readiness on.</summary>
public sealed record CycleOutcome(
    bool DesiredLoaded,
    string? ConfigCommit,
    int Domains,
    int InSync,
    int Drift,
    int Unknown,
    int Invalid,
    IReadOnlyDictionary<(string Check, string Kind), int> Findings,
    TimeSpan Duration);
