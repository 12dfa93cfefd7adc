using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reconciler.Host.Daemon;

/// <summary>
/// The reconcile loop: a cycle on start, every <see cref="ReconcilerOptions.Interval"/> (±10 %
/// jitter, counted from the end of the previous cycle) and at once when <see cref="CycleQueue"/> is
/// asked (webhook, revision change, leadership gained). One cycle at a time. On shutdown no new
/// cycle starts; the running one keeps its token until the host's shutdown timeout runs out.
/// </summary>
public sealed class ReconcilerService : BackgroundService
{
    private readonly ICycleRunner _runner;
    private readonly CycleQueue _queue;
    private readonly DaemonState _state;
    private readonly DaemonMetrics _metrics;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcilerService> _logger;
    private readonly CancellationTokenSource _cycleCts = new();
    private readonly ITimer _intervalTimer;

    public ReconcilerService(
        ICycleRunner runner,
        CycleQueue queue,
        DaemonState state,
        DaemonMetrics metrics,
        IOptions<ReconcilerOptions> options,
        DaemonSecrets secrets,
        TimeProvider time,
        ILogger<ReconcilerService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets); // resolved here so that an unreadable secret file fails start
        _runner = runner;
        _queue = queue;
        _state = state;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _intervalTimer = time.CreateTimer(_ => _queue.Request(CycleReason.Interval), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _queue.Request(CycleReason.Startup);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (!_queue.Reader.TryRead(out var reason))
                {
                    continue;
                }

                _intervalTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                var outcome = await ExecuteCycleAsync(reason, _cycleCts.Token);
                if (!stoppingToken.IsCancellationRequested)
                {
                    _intervalTimer.Change(NextDelay(), Timeout.InfiniteTimeSpan);
                }

                // After the timer is armed, so whoever waits for this cycle sees the next one scheduled.
                _state.CycleFinished(outcome);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: stop taking work.
        }
    }

    /// <summary>
    /// One iteration: runs a cycle, never throws (except on cancellation), logs one summary line,
    /// updates metrics and readiness. Returns the outcome, or null when the cycle failed.
    /// </summary>
    public async Task<CycleOutcome?> RunIterationAsync(CycleReason reason, CancellationToken ct)
    {
        CycleOutcome? outcome = null;
        try
        {
            outcome = await ExecuteCycleAsync(reason, ct);
            return outcome;
        }
        finally
        {
            _state.CycleFinished(outcome);
        }
    }

    private async Task<CycleOutcome?> ExecuteCycleAsync(CycleReason reason, CancellationToken ct)
    {
        var mayWrite = _state.IsLeader && !_options.DryRun;
        var trigger = new CycleTrigger(reason, mayWrite, _options.ShardSpec);
        _metrics.SetLeader(_state.IsLeader);
        _metrics.CycleStarted(_time.GetUtcNow());
        var started = _time.GetTimestamp();
        try
        {
            var outcome = await _runner.RunOnceAsync(trigger, ct);
            var elapsed = _time.GetElapsedTime(started);
            if (outcome.Duration == TimeSpan.Zero)
            {
                outcome = outcome with { Duration = elapsed };
            }

            _metrics.CycleSucceeded(outcome, _time.GetUtcNow());
            if (outcome.DesiredLoaded)
            {
                _logger.LogInformation(
                    "Cycle {Revision} done in {Ms} ms: {Domains} domains, {Drift} drift, {Unknown} unknown, {Invalid} invalid ({Reason}, writes {MayWrite})",
                    outcome.ConfigCommit ?? "unknown", (long)outcome.Duration.TotalMilliseconds, outcome.Domains,
                    outcome.Drift, outcome.Unknown, outcome.Invalid, reason, mayWrite);
            }
            else
            {
                _logger.LogWarning("Cycle {Revision} done in {Ms} ms without desired state ({Reason})",
                    outcome.ConfigCommit ?? "unknown", (long)outcome.Duration.TotalMilliseconds, reason);
            }

            return outcome;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _metrics.CycleFailed(_time.GetElapsedTime(started));
            _logger.LogWarning("Cycle cancelled after {Ms} ms by shutdown; it reruns cleanly on the next start",
                (long)_time.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception e)
        {
            var elapsed = _time.GetElapsedTime(started);
            _metrics.CycleFailed(elapsed);
            _logger.LogError(e, "Cycle failed after {Ms} ms ({Reason}); retrying at the next tick", (long)elapsed.TotalMilliseconds, reason);
            return null;
        }
    }

    /// <summary>Gives the running cycle the host's shutdown timeout, then cancels it.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(_cycleCts.Cancel);
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCompleted: false } running)
        {
            // The timeout cancelled the cycle: give it a moment to unwind and log before the host exits.
            try
            {
                await running.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                _logger.LogWarning("The cancelled cycle did not stop within 5 s of the shutdown timeout");
            }
        }
    }

    public override void Dispose()
    {
        _intervalTimer.Dispose();
        _cycleCts.Dispose();
        base.Dispose();
    }

    private TimeSpan NextDelay()
    {
        var jitter = 0.9 + (0.2 * Random.Shared.NextDouble());
        return TimeSpan.FromTicks((long)(_options.Interval.Ticks * jitter));
    }

}
