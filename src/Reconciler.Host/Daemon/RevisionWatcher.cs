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

        if (revision is null || revision == _last)
        {
            return false;
        }

        var first = _last is null;
        _last = revision;
        if (first || revision == state.Revision)
        {
            // The start-up cycle covers the first revision; a cycle (say, from the webhook) already saw this one.
            return false;
        }

        logger.LogInformation("Desired source moved to {Revision}; reconciling now", revision);
        queue.Request(CycleReason.RevisionChanged);
        return true;
    }
}
