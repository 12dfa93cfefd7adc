using System.Net;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reconciler.Host.Daemon;

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease (one per shard: <c>&lt;lease&gt;-&lt;I&gt;</c>
/// when <c>--shard I/N</c> has N &gt; 1). Followers keep observing and serving metrics, but their cycles
/// run with <see cref="CycleTrigger.MayWrite"/> false: only the leader writes to GitHub. Gaining the
/// lease asks for a cycle at once. A 401/403 from the API (missing RBAC) is logged as an error and makes
/// the replica unready rather than a silent follower. On shutdown the lease is released so another
/// replica takes over without waiting for it to expire.
/// </summary>
public sealed class LeaderElection : BackgroundService
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly DaemonState _state;
    private readonly CycleQueue _queue;
    private readonly DaemonMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<LeaderElection> _logger;
    private readonly LeaseLock _lease;
    private volatile bool _leading;

    public LeaderElection(
        IKubernetes client,
        IOptions<ReconcilerOptions> options,
        DaemonState state,
        CycleQueue queue,
        DaemonMetrics metrics,
        TimeProvider time,
        ILogger<LeaderElection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value.LeaderElection;
        _state = state;
        _queue = queue;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        var shard = options.Value.ShardSpec;
        LeaseName = shard.IsAll ? _options.LeaseName : $"{_options.LeaseName}-{shard.Index}";
        Identity = ResolveIdentity(_options.Identity);
        _lease = new LeaseLock(client, _options.Namespace!, LeaseName, Identity);
        _lease.OnHttpError += OnHttpError;
        _state.SetLeadership(false, null);
    }

    public string LeaseName { get; }

    public string Identity { get; }

    public bool IsLeader => _leading;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = new LeaderElectionConfig(new ObservingLock(_lease, this))
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        elector.OnStartedLeading += () => SetLeading(true);
        elector.OnStoppedLeading += () => SetLeading(false);
        elector.OnNewLeader += leader => _logger.LogInformation("Lease {Namespace}/{Lease} is held by {Leader}", _options.Namespace, LeaseName, leader);
        _logger.LogInformation("Leader election on Lease {Namespace}/{Lease} as {Identity}", _options.Namespace, LeaseName, Identity);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException or TimeoutException)
            {
                // The elector gives up on transport errors; a pod that cannot reach the API is unready, not dead.
                if (_leading)
                {
                    SetLeading(false);
                }

                _state.SetElectionError($"leader election: the Kubernetes API is unreachable ({e.GetType().Name})");
                _logger.LogError("Leader election on Lease {Namespace}/{Lease} failed: {Error}; retrying", _options.Namespace, LeaseName, e.Message);
                try
                {
                    await Task.Delay(_options.LeaseDuration, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Stops renewing, then releases the lease if this replica holds it.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var wasLeading = _leading;
        await base.StopAsync(cancellationToken);
        if (wasLeading)
        {
            await ReleaseAsync(cancellationToken);
        }
    }

    private async Task ReleaseAsync(CancellationToken ct)
    {
        try
        {
            var current = await _lease.GetAsync(ct);
            if (current?.HolderIdentity != Identity)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcDateTime;
            var released = await _lease.UpdateAsync(new LeaderElectionRecord
            {
                HolderIdentity = "",
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = current.LeaderTransitions,
            }, ct);
            _logger.LogInformation("Lease {Namespace}/{Lease} released: {Released}", _options.Namespace, LeaseName, released);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            _logger.LogWarning("Could not release Lease {Namespace}/{Lease} ({Error}); it expires on its own", _options.Namespace, LeaseName, e.GetType().Name);
        }
    }

    private void SetLeading(bool leading)
    {
        _leading = leading;
        _state.SetLeadership(leading, null);
        _metrics.SetLeader(leading);
        _logger.LogInformation("Leading Lease {Namespace}/{Lease}: {Leading}", _options.Namespace, LeaseName, leading);
        if (leading)
        {
            _queue.Request(CycleReason.BecameLeader);
        }
    }

    private void OnHttpError(HttpOperationException e) => Observe(e.Response.StatusCode);

    private void Observe(HttpStatusCode status)
    {
        if (status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            var message = $"leader election: the Kubernetes API answered {(int)status} for Lease {_options.Namespace}/{LeaseName}; grant get/create/update on leases (Role + RoleBinding)";
            _logger.LogError("Leader election failed: the API answered {Status} for Lease {Namespace}/{Lease}; the ServiceAccount needs get, create and update on coordination.k8s.io leases",
                (int)status, _options.Namespace, LeaseName);
            _state.SetElectionError(message);
        }
    }

    private void Succeeded() => _state.SetElectionError(null);

    private static string ResolveIdentity(string? configured) =>
        !string.IsNullOrWhiteSpace(configured) ? configured
        : Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod
        : Environment.MachineName;

    /// <summary>Sees every Lease call so that RBAC failures surface (the elector swallows them).</summary>
    private sealed class ObservingLock(ILock inner, LeaderElection owner) : ILock
    {
        public string Identity => inner.Identity;

        public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                var record = await inner.GetAsync(cancellationToken);
                owner.Succeeded();
                return record;
            }
            catch (HttpOperationException e)
            {
                if (e.Response.StatusCode != HttpStatusCode.NotFound)
                {
                    owner.Observe(e.Response.StatusCode);
                }
                else
                {
                    owner.Succeeded();
                }

                throw;
            }
        }

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
            inner.CreateAsync(record, cancellationToken);

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
            inner.UpdateAsync(record, cancellationToken);

        public string Describe() => inner.Describe();
    }
}
