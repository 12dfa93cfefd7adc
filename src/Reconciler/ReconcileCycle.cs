using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler;

/// <summary>The outcome of one pass: the desired state that was read and the plan made from it.</summary>
public sealed record CycleResult(DesiredState Desired, ReconcilePlan Plan)
{
    /// <summary>
    /// The exit code of <c>plan</c>/<c>reconcile</c>: the plan's (invalid domains in it give 1), or 1 when a
    /// file other than a domain file (reconciler.yaml) has an error.
    /// </summary>
    public int ExitCode =>
        Desired.Diagnostics.Any(d => d.Severity >= Severity.Error && Desired.Invalid.All(i => i.File != d.File)) ? 1 : Plan.ExitCode;
}

/// <summary>
/// One pass of the pipeline: Desired -> Observe -> Diff -> Plan. Everything is observed first, then
/// each domain is planned on its own (a failure there makes that domain unknown, not the cycle fail).
/// Used by <c>plan</c>, <c>reconcile</c> and the daemon.
/// </summary>
public sealed class ReconcileCycle
{
    private readonly Func<IReadOnlyList<DomainSpec>, CancellationToken, Task<IReadOnlyList<LiveDomain>>> observe;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly PlanMemo? memo;

    /// <param name="observe">Observes the given domains, one <see cref="LiveDomain"/> per spec in the same order.</param>
    /// <param name="reusePlans">Keep the plans between passes and plan again only the domains that moved (<see cref="PlanMemo"/>; the daemon).</param>
    public ReconcileCycle(Func<IReadOnlyList<DomainSpec>, CancellationToken, Task<IReadOnlyList<LiveDomain>>> observe, TimeProvider time, ILogger? logger = null, bool reusePlans = false)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(time);
        this.observe = observe;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
        memo = reusePlans ? new PlanMemo() : null;
    }

    public ReconcileCycle(LiveObserver observer, TimeProvider time, ILogger? logger = null, bool reusePlans = false)
        : this((observer ?? throw new ArgumentNullException(nameof(observer))).ObserveAllAsync, time, logger, reusePlans)
    {
    }

    /// <summary>Loads the config repository at <paramref name="repoDirectory"/> and runs one pass.</summary>
    public Task<CycleResult> RunAsync(string repoDirectory, IReadOnlyCollection<string>? domains, CancellationToken ct) =>
        RunAsync(DesiredStateLoader.Load(repoDirectory), domains, ct);

    /// <summary>
    /// Runs one pass over <paramref name="desired"/>, limited to <paramref name="domains"/> when given
    /// (names compared as DNS names). Invalid domains are planned as invalid, never as removed.
    /// </summary>
    public async Task<CycleResult> RunAsync(DesiredState desired, IReadOnlyCollection<string>? domains, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var wanted = domains is { Count: > 0 } ? domains.Select(DnsName.Normalize).ToHashSet(StringComparer.Ordinal) : null;
        var specs = desired.Domains.Where(d => wanted is null || wanted.Contains(DnsName.Normalize(d.Domain))).ToList();
        var invalid = desired.Invalid.Where(d => wanted is null || wanted.Contains(DnsName.Normalize(d.Domain))).ToList();

        var live = await observe(specs, ct).ConfigureAwait(false);
        if (live.Count != specs.Count)
        {
            throw new InvalidOperationException($"the observer returned {live.Count} results for {specs.Count} domains");
        }

        // Planning is pure and independent per domain: spread it over the cores.
        DomainPlan[] planned;
        if (memo is not null)
        {
            planned = memo.PlanAll(specs, live, PlanOne, ct);
        }
        else
        {
            planned = new DomainPlan[specs.Count];
            Parallel.For(0, specs.Count, new ParallelOptions { CancellationToken = ct }, i => planned[i] = PlanOne(specs[i], live[i]));
        }

        var plans = new List<DomainPlan>(specs.Count + invalid.Count);
        plans.AddRange(planned);
        plans.AddRange(invalid.Select(Planner.Invalid));
        var plan = ReconcilePlan.Of(plans);
        logger.LogInformation("Planned {Domains} domains ({Reused} unchanged since the last pass): {InSync} in sync, {Drift} drift, {Unknown} unknown, {Invalid} invalid",
            plan.Summary.Domains, memo?.Reused ?? 0, plan.Summary.InSync, plan.Summary.Drift, plan.Summary.Unknown, plan.Summary.Invalid);
        return new CycleResult(desired, plan);
    }

    /// <summary>Plans already observed domains (pure; the daemon's tests and benchmarks use it directly).</summary>
    public static ReconcilePlan Plan(DesiredState desired, IReadOnlyList<LiveDomain> live, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(live);
        var byName = live.ToDictionary(l => DnsName.Normalize(l.Domain), StringComparer.Ordinal);
        var plans = desired.Domains.Where(d => byName.ContainsKey(DnsName.Normalize(d.Domain)))
            .Select(d => Planner.Plan(d, byName[DnsName.Normalize(d.Domain)], time))
            .Concat(desired.Invalid.Select(Planner.Invalid));
        return ReconcilePlan.Of(plans);
    }

    private DomainPlan PlanOne(DomainSpec spec, LiveDomain live)
    {
        try
        {
            return Planner.Plan(spec, live, time);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Planning {Domain} failed", spec.Domain);
            var finding = new Finding(Checks.Config, FindingKind.Unreachable, Severity.Error, spec.File, null, null,
                $"planning {spec.Domain} failed ({e.GetType().Name}: {e.Message}); nothing is concluded about it");
            return new DomainPlan(spec.Domain, DomainStatus.Unknown, [finding], null, []);
        }
    }
}
