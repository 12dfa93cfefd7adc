using Prometheus;
using Reconciler.Plan;

namespace Reconciler.Host.Daemon;

/// <summary>
/// The daemon's Prometheus metrics in a registry of its own (one per host, so hosts in one
/// process, as in tests, never share counters). The cycle calls the <c>Count*</c> methods for
/// every DNS query, policy fetch and GitHub request it makes.
/// </summary>
public sealed class DaemonMetrics
{
    private static readonly string[] Statuses = [.. Enum.GetValues<DomainStatus>().Select(ContractNames.Of)];

    private readonly Lock _gate = new();
    private readonly Counter _cycles;
    private readonly Histogram _duration;
    private readonly Gauge _domains;
    private readonly Gauge _findings;
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Gauge _rateLimit;
    private readonly Gauge _lastAttempt;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _leader;
    private readonly Counter _webhooks;
    private HashSet<(string Check, string Kind)> _publishedFindings = [];

    public DaemonMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _cycles = factory.CreateCounter("reconciler_cycles_total", "Reconciliation cycles by result.", ["result"]);
        _duration = factory.CreateHistogram("reconciler_cycle_duration_seconds", "Duration of reconciliation cycles.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 14) });
        _domains = factory.CreateGauge("reconciler_domains", "Domains by status in the last successful cycle.", ["status"]);
        _findings = factory.CreateGauge("reconciler_findings", "Findings by check and kind in the last successful cycle.", ["check", "kind"]);
        _requests = factory.CreateCounter("reconciler_requests_total", "Outgoing requests by target (dns, https, github).", ["target"]);
        _errors = factory.CreateCounter("reconciler_request_errors_total", "Failed outgoing requests by target (dns, https, github).", ["target"]);
        _rateLimit = factory.CreateGauge("reconciler_github_rate_limit_remaining", "GitHub API requests left in the current rate-limit window.");
        _lastAttempt = factory.CreateGauge("reconciler_last_cycle_attempt_timestamp_seconds", "Unix time the last cycle started.");
        _lastSuccess = factory.CreateGauge("reconciler_last_cycle_success_timestamp_seconds", "Unix time the last successful cycle finished.");
        _leader = factory.CreateGauge("reconciler_leader", "1 while this replica may write to GitHub (leader, or no election), else 0.");
        _webhooks = factory.CreateCounter("reconciler_webhook_deliveries_total", "GitHub webhook deliveries by outcome.", ["outcome"]);
        foreach (var target in new[] { "dns", "https", "github" })
        {
            _requests.WithLabels(target).IncTo(0);
            _errors.WithLabels(target).IncTo(0);
        }

        foreach (var status in Statuses)
        {
            _domains.WithLabels(status).Set(0);
        }

        _cycles.WithLabels("success").IncTo(0);
        _cycles.WithLabels("failure").IncTo(0);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Outgoing requests counted so far for a target (dns, https, github).</summary>
    public long Requests(string target) => (long)_requests.WithLabels(target).Value;

    public void CountDnsRequest(long count = 1) => Add(_requests, "dns", count);

    public void CountDnsError(long count = 1) => Add(_errors, "dns", count);

    public void CountHttpsRequest(long count = 1) => Add(_requests, "https", count);

    public void CountHttpsError(long count = 1) => Add(_errors, "https", count);

    public void CountGitHubRequest(long count = 1) => Add(_requests, "github", count);

    public void CountGitHubError(long count = 1) => Add(_errors, "github", count);

    public void SetGitHubRateLimitRemaining(int remaining) => _rateLimit.Set(remaining);

    public void SetLeader(bool mayWrite) => _leader.Set(mayWrite ? 1 : 0);

    private static void Add(Counter counter, string target, long count)
    {
        if (count > 0)
        {
            counter.WithLabels(target).Inc(count);
        }
    }

    public void CountWebhook(string outcome) => _webhooks.WithLabels(outcome).Inc();

    public void CycleStarted(DateTimeOffset now) => _lastAttempt.Set(now.ToUnixTimeMilliseconds() / 1000d);

    public void CycleFailed(TimeSpan duration)
    {
        _cycles.WithLabels("failure").Inc();
        _duration.Observe(duration.TotalSeconds);
    }

    public void CycleSucceeded(CycleOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _cycles.WithLabels("success").Inc();
        _duration.Observe(outcome.Duration.TotalSeconds);
        if (!outcome.DesiredLoaded)
        {
            return;
        }

        _lastSuccess.Set(now.ToUnixTimeMilliseconds() / 1000d);
        _domains.WithLabels(ContractNames.Of(DomainStatus.InSync)).Set(outcome.InSync);
        _domains.WithLabels(ContractNames.Of(DomainStatus.Drift)).Set(outcome.Drift);
        _domains.WithLabels(ContractNames.Of(DomainStatus.Unknown)).Set(outcome.Unknown);
        _domains.WithLabels(ContractNames.Of(DomainStatus.Invalid)).Set(outcome.Invalid);
        lock (_gate)
        {
            var current = outcome.Findings.Keys.ToHashSet();
            foreach (var gone in _publishedFindings.Where(k => !current.Contains(k)))
            {
                _findings.RemoveLabelled(gone.Check, gone.Kind);
            }

            foreach (var ((check, kind), count) in outcome.Findings)
            {
                _findings.WithLabels(check, kind).Set(count);
            }

            _publishedFindings = current;
        }
    }
}
