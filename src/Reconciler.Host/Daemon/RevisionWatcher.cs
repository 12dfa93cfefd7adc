using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reconciler.Sources;

namespace Reconciler.Host.Daemon;

/// <summary>
/// Polls the desired source's revision every <see cref="ReconcilerOptions.PollInterval"/> and asks
/// for a cycle at once when it changes (a git-sync update, a push the webhook did not deliver).
/// Polling is cheap: a directory source reads <c>.git</c>, the GitHub source sends a conditional request.
/// </summary>
public sealed class RevisionWatcher(
    IDesiredSource source,
    CycleQueue queue,
    DaemonState state,
    IOptions<ReconcilerOptions> options,
    TimeProvider time,
    ILogger<RevisionWatcher> logger) : BackgroundService
{
    private string? _last;
    private long _expectedBy;
    private bool _askedAgain;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await PollOnceAsync(stoppingToken);
                await Task.Delay(interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>Reads the revision once; true when it changed since the previous poll (and a cycle was asked for).</summary>
    public async Task<bool> PollOnceAsync(CancellationToken ct)
    {
        string? revision;
        try
        {
            revision = await source.GetRevisionAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the desired source's revision; retrying in {Seconds} s", (int)options.Value.PollInterval.TotalSeconds);
            return false;
        }

        if (revision is null || revision == state.Revision)
        {
            // Nothing to read yet, or a cycle (the start-up one, the webhook's) already loaded this revision.
            _last = revision ?? _last;
            return false;
        }

        var completed = state.CompletedCycles;
        if (revision != _last)
        {
            var first = _last is null;
            _last = revision;
            _askedAgain = false;
            if (first && completed == 0)
            {
                // The start-up cycle, still running, reads it.
                _expectedBy = 0;
                return false;
            }
        }
        else if (_askedAgain || completed <= _expectedBy)
        {
            // Already asked for, and the cycle that should load it has not finished yet (or was asked again).
            return false;
        }
        else
        {
            // The cycle that should have loaded it finished without doing so (say, a git-sync volume still
            // empty at start-up): ask once more instead of waiting a whole interval.
            _askedAgain = true;
        }

        _expectedBy = completed;
        logger.LogInformation("Desired source moved to {Revision}; reconciling now", revision);
        queue.Request(CycleReason.RevisionChanged);
        return true;
    }
}
