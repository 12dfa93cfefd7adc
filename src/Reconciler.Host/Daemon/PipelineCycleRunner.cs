using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reconciler.Desired;
using Reconciler.Host.Commands;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;
using Reconciler.Report.GitHub;
using Reconciler.Sources;

namespace Reconciler.Host.Daemon;

/// <summary>
/// The daemon's cycle: read the desired source (files only when its revision moved), load (parsed
/// again only when the source hands back a new snapshot), keep this
/// shard's domains, observe and plan them (<see cref="ReconcileCycle"/>), then report to GitHub — for
/// real when <see cref="CycleTrigger.MayWrite"/>, else as a dry run. A snapshot without any domain
/// file is not taken as an empty fleet (that would close every drift issue): the cycle reports
/// nothing and does not count as having loaded desired state.
/// </summary>
public sealed class PipelineCycleRunner : ICycleRunner, IDisposable
{
    private readonly IDesiredSource _source;
    private readonly LiveObserver _observer;
    private readonly ReconcileCycle _cycle;
    private readonly GitHubReporter? _reporter;
    private readonly OctokitGitHubPort? _port;
    private readonly ReconcilerOptions _options;
    private readonly DaemonMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PipelineCycleRunner> _logger;
    private Loaded? _loaded;

    public PipelineCycleRunner(
        IDesiredSource source,
        LiveObserverOptions observe,
        OctokitGitHubPort? port,
        ReconcilerOptions options,
        DaemonMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _source = source;
        _observer = new LiveObserver(observe, time, loggers.CreateLogger<LiveObserver>());
        _cycle = new ReconcileCycle(_observer, time, loggers.CreateLogger<ReconcileCycle>(), memo: new PlanMemo());
        _port = port;
        _reporter = port is null ? null : new GitHubReporter(port, loggers.CreateLogger<GitHubReporter>());
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = loggers.CreateLogger<PipelineCycleRunner>();
    }

    /// <summary>The production wiring, from the host's services (the runner factory of <c>run</c>).</summary>
    public static ICycleRunner Create(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
        var secrets = services.GetRequiredService<DaemonSecrets>();
        var time = services.GetRequiredService<TimeProvider>();
        OctokitGitHubPort? port = null;
        if (options.GitHub.Repo is { } repo)
        {
            var token = secrets.GitHubToken
                ?? throw new InvalidOperationException("Reconciler:GitHub:Repo is set but there is no token: set GITHUB_TOKEN or Reconciler:GitHub:TokenFile (--github-token-file).");
            var (owner, name) = GitHubOptions.ParseRepository(repo)!.Value;
            port = new OctokitGitHubPort(new GitHubOptions(options.GitHub.Api, owner, name, token), time);
        }

        return new PipelineCycleRunner(
            services.GetRequiredService<IDesiredSource>(),
            ObserverOptions(options),
            port,
            options,
            services.GetRequiredService<DaemonMetrics>(),
            time,
            services.GetRequiredService<ILoggerFactory>());
    }

    /// <summary>The observer settings from the daemon's; resolver host names are resolved once, here.</summary>
    public static LiveObserverOptions ObserverOptions(ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<IPEndPoint> resolvers;
        try
        {
            resolvers = ObserveOptions.ResolveAsync(options.Dns, "Reconciler:Dns:", CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        return new LiveObserverOptions
        {
            Resolvers = resolvers,
            Authoritative = options.Authoritative,
            PolicyPort = options.PolicyPort,
            CaFile = options.CaFile,
            Concurrency = options.Concurrency,
            Timeout = TimeSpan.FromSeconds(options.Timeout),
            ConnectTimeout = TimeSpan.FromSeconds(options.Timeout), // as plan and reconcile: Timeout bounds the connect too
            PolicyCadence = options.PolicyCadence,
            DnsProtocol = options.DnsProtocol,
        };
    }

    public async Task<CycleOutcome> RunOnceAsync(CycleTrigger trigger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var started = _time.GetTimestamp();
        var snapshot = await _source.ReadAsync(ct);
        if (_source is GitHubApiSource { RateLimitRemaining: { } remaining })
        {
            _metrics.SetGitHubRateLimitRemaining(remaining);
        }

        // The source hands back the same snapshot while its revision stands: parse it once.
        var loaded = Volatile.Read(ref _loaded);
        var desired = loaded is not null && ReferenceEquals(loaded.Snapshot, snapshot) ? loaded.Desired : DesiredStateLoader.Load(snapshot.Files);
        Volatile.Write(ref _loaded, new Loaded(snapshot, desired));

        // Judged on what the loader read (a file it does not take, say domains/x.YAML, is not a domain).
        if (desired.Domains.Count + desired.Invalid.Count == 0)
        {
            _logger.LogWarning("No domain file in {Source} at {Revision}: nothing observed or reported (an empty checkout is not an empty fleet)",
                _source.Describe(), snapshot.Revision);
            return Empty(snapshot.Revision, _time.GetElapsedTime(started));
        }
        foreach (var diagnostic in desired.Diagnostics.Where(d => d.Severity >= Severity.Error).Take(50))
        {
            _logger.LogWarning("Config error at {Revision}: {Diagnostic}", snapshot.Revision, diagnostic.ToString());
        }

        var owned = desired with
        {
            Domains = desired.Domains.Where(d => trigger.Shard.Owns(d.Domain)).ToList(),
            Invalid = desired.Invalid.Where(d => trigger.Shard.Owns(d.Domain)).ToList(),
        };
        var dns = _observer.DnsQueries;
        var https = _observer.HttpsFetches;
        var result = await _cycle.RunAsync(owned, _options.Domain.Count > 0 ? _options.Domain : null, ct);
        _metrics.CountDnsRequest(_observer.DnsQueries - dns);
        _metrics.CountHttpsRequest(_observer.HttpsFetches - https);
        var unreachable = result.Plan.Domains.SelectMany(d => d.Findings).Where(f => f.Kind == FindingKind.Unreachable).ToList();
        _metrics.CountHttpsError(unreachable.Count(f => f.Check == Checks.MtaStsPolicy));
        _metrics.CountDnsError(unreachable.Count(f => f.Check != Checks.MtaStsPolicy));

        if (_reporter is not null)
        {
            await ReportAsync(trigger, snapshot, desired, owned, result.Plan, ct);
        }

        var summary = result.Plan.Summary;
        var findings = result.Plan.Domains
            .SelectMany(d => d.Findings)
            .GroupBy(f => (f.Check, Kind: ContractNames.Of(f.Kind)))
            .ToDictionary(g => g.Key, g => g.Count());
        return new CycleOutcome(true, snapshot.Revision, summary.Domains, summary.InSync, summary.Drift, summary.Unknown, summary.Invalid,
            findings, _time.GetElapsedTime(started));
    }

    private async Task ReportAsync(CycleTrigger trigger, DesiredSnapshot snapshot, DesiredState desired, DesiredState owned, ReconcilePlan plan, CancellationToken ct)
    {
        // Every declared domain, not only this shard's: the reporter must not close other shards' issues.
        var declared = desired.Domains.Select(d => d.Domain).Concat(desired.Invalid.Select(i => i.Domain)).ToList();
        var input = new ReportInput(plan, owned.Invalid, _options.Desired.Branch, snapshot.Revision, desired.Render, declared);
        var report = await _reporter!.ReportAsync(input, dryRun: !trigger.MayWrite, ct);
        _metrics.CountGitHubRequest(trigger.MayWrite ? report.Writes.Count : 0);
        _metrics.CountGitHubError(report.Errors.Count);
        if (_port?.RateLimitRemaining is { } remaining)
        {
            _metrics.SetGitHubRateLimitRemaining(remaining);
        }

        foreach (var error in report.Errors.Take(20))
        {
            _logger.LogWarning("GitHub report error: {Action}", error.ToString());
        }
    }

    private static CycleOutcome Empty(string revision, TimeSpan duration) =>
        new(false, revision, 0, 0, 0, 0, 0, new Dictionary<(string Check, string Kind), int>(), duration);

    public void Dispose() => _observer.Dispose();

    private sealed record Loaded(DesiredSnapshot Snapshot, DesiredState Desired);
}
