using System.Collections.Concurrent;
using System.Threading.Channels;
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
/// One pass of the pipeline: Desired -> Observe -> Diff -> Plan. Each domain is planned on its own as
/// soon as its observation is complete (a failure there makes that domain unknown, not the cycle
/// fail); loading a repository directory hands each domain to the observer as soon as its file is
/// read. Used by <c>plan</c>, <c>reconcile</c> and the daemon.
/// </summary>
public sealed class ReconcileCycle
{
    private readonly Func<IAsyncEnumerable<DomainSpec>, Action<DomainSpec, LiveDomain>, CancellationToken, Task> observe;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly PlanMemo? memo;

    /// <param name="observe">Observes the domains of the stream, calling back once per domain with its observation.</param>
    /// <param name="memo">Keeps the plans between passes, so only the domains that moved are planned again (the
    /// daemon). A one-shot run passes none: it has no later pass, and the memo's fingerprint is the one use of
    /// the reflection serializer, which the native CLI leaves out.</param>
    public ReconcileCycle(
        Func<IAsyncEnumerable<DomainSpec>, Action<DomainSpec, LiveDomain>, CancellationToken, Task> observe, TimeProvider time, ILogger? logger = null, PlanMemo? memo = null)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(time);
        this.observe = observe;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
        this.memo = memo;
    }

    public ReconcileCycle(LiveObserver observer, TimeProvider time, ILogger? logger = null, PlanMemo? memo = null)
        : this((observer ?? throw new ArgumentNullException(nameof(observer))).ObserveEachAsync, time, logger, memo)
    {
    }

    /// <summary>
    /// Loads the config repository at <paramref name="repoDirectory"/> and runs one pass over it. Over
    /// the whole fleet each domain is observed as soon as its file is read, while the loader reads the
    /// rest; limited to <paramref name="domains"/>, the fleet is read first (on every core) and only those
    /// are observed. <paramref name="loaded"/> gets the desired state as soon as it is read, before the
    /// observing ends (to report file errors early); <paramref name="planned"/> gets each observed
    /// domain's plan as soon as it is made, on the worker that made it.
    /// </summary>
    public async Task<CycleResult> RunAsync(
        string repoDirectory, IReadOnlyCollection<string>? domains, CancellationToken ct, Action<DesiredState>? loaded = null, Action<DomainPlan>? planned = null)
    {
        ArgumentNullException.ThrowIfNull(repoDirectory);
        if (domains is { Count: > 0 })
        {
            var desired = DesiredStateLoader.Load(repoDirectory);
            loaded?.Invoke(desired);
            return await RunAsync(desired, domains, ct, planned).ConfigureAwait(false);
        }

        var read = Channel.CreateUnbounded<DomainSpec>(new UnboundedChannelOptions { SingleReader = true });
        var loading = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    var desired = DesiredStateLoader.Load(repoDirectory, spec => read.Writer.TryWrite(spec), ct);
                    loaded?.Invoke(desired);
                    return desired;
                }
                finally
                {
                    read.Writer.TryComplete();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        IReadOnlyDictionary<DomainSpec, DomainPlan> plans;
        try
        {
            plans = await ObserveAndPlanAsync(read.Reader.ReadAllAsync(ct), planned, ct).ConfigureAwait(false);
        }
        catch
        {
            // The load stops at cancellation and ends on its own otherwise: wait, so nothing of it runs unobserved.
            await loading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        return Assemble(await loading.ConfigureAwait(false), null, plans);
    }

    /// <summary>
    /// Runs one pass over <paramref name="desired"/>, limited to <paramref name="domains"/> when given
    /// (names compared as DNS names). Invalid domains are planned as invalid, never as removed.
    /// <paramref name="planned"/> gets each observed domain's plan as soon as it is made.
    /// </summary>
    public async Task<CycleResult> RunAsync(DesiredState desired, IReadOnlyCollection<string>? domains, CancellationToken ct, Action<DomainPlan>? planned = null)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var wanted = Wanted(domains);
        var specs = desired.Domains.Where(d => Includes(wanted, d.Domain)).ToList();
        var plans = await ObserveAndPlanAsync(specs.ToAsyncEnumerable(), planned, ct).ConfigureAwait(false);
        return Assemble(desired, wanted, plans);
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

    private async Task<IReadOnlyDictionary<DomainSpec, DomainPlan>> ObserveAndPlanAsync(IAsyncEnumerable<DomainSpec> specs, Action<DomainPlan>? planned, CancellationToken ct)
    {
        // Planning is pure and independent per domain: each is planned on the worker that observed it.
        var plans = new ConcurrentDictionary<DomainSpec, DomainPlan>(ReferenceEqualityComparer.Instance);
        memo?.BeginPass();
        await observe(specs, (spec, live) =>
        {
            var plan = PlanOne(spec, live);
            plans[spec] = plan;
            planned?.Invoke(plan);
        }, ct).ConfigureAwait(false);
        memo?.EndPass();
        return plans;
    }

    /// <summary>The plan of the pass, in the order of <paramref name="desired"/>: each wanted domain's, then the invalid ones'.</summary>
    private CycleResult Assemble(DesiredState desired, HashSet<string>? wanted, IReadOnlyDictionary<DomainSpec, DomainPlan> planned)
    {
        var specs = desired.Domains.Where(d => Includes(wanted, d.Domain)).ToList();
        var invalid = desired.Invalid.Where(d => Includes(wanted, d.Domain)).ToList();
        var plans = new List<DomainPlan>(specs.Count + invalid.Count);
        foreach (var spec in specs)
        {
            plans.Add(planned.TryGetValue(spec, out var plan)
                ? plan
                : throw new InvalidOperationException($"the observer returned no observation of {spec.Domain} ({planned.Count} for {specs.Count} domains)"));
        }

        plans.AddRange(invalid.Select(Planner.Invalid));
        var result = ReconcilePlan.Of(plans);
        logger.LogInformation("Planned {Domains} domains ({Reused} unchanged since the last pass): {InSync} in sync, {Drift} drift, {Unknown} unknown, {Invalid} invalid",
            result.Summary.Domains, memo?.Reused ?? 0, result.Summary.InSync, result.Summary.Drift, result.Summary.Unknown, result.Summary.Invalid);
        return new CycleResult(desired, result);
    }

    private static HashSet<string>? Wanted(IReadOnlyCollection<string>? domains) =>
        domains is { Count: > 0 } ? domains.Select(DnsName.Normalize).ToHashSet(StringComparer.Ordinal) : null;

    private static bool Includes(HashSet<string>? wanted, string domain) => wanted is null || wanted.Contains(DnsName.Normalize(domain));

    /// <summary>The domain's plan (the memo's when it has one); a failure makes this domain unknown, not the pass fail.</summary>
    private DomainPlan PlanOne(DomainSpec spec, LiveDomain live)
    {
        try
        {
            return memo is null ? Planner.Plan(spec, live, time) : memo.Plan(spec, live, (s, l) => Planner.Plan(s, l, time));
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
