using System.Collections.Concurrent;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>A cycle runner that records its calls and can be held inside a cycle.</summary>
internal sealed class RecordingRunner : ICycleRunner
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private TaskCompletionSource? _hold;
    private int _started;

    public ConcurrentQueue<CycleTrigger> Calls { get; } = new();

    // The revision a FixedSource starts at; DaemonTestHost makes its runner load what its source holds.
    public Func<CycleTrigger, CycleOutcome> Outcome { get; set; } = _ => Outcomes.Loaded("rev-1");

    public int Started => Volatile.Read(ref _started);

    /// <summary>Cycles that start from now on wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? hold;
        lock (_gate)
        {
            hold = _hold;
            _hold = null;
        }

        hold?.TrySetResult();
    }

    public Task WaitForStartsAsync(int count)
    {
        lock (_gate)
        {
            if (_started >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public async Task<CycleOutcome> RunOnceAsync(CycleTrigger trigger, CancellationToken ct)
    {
        Calls.Enqueue(trigger);
        TaskCompletionSource? hold;
        List<TaskCompletionSource> wake;
        lock (_gate)
        {
            _started++;
            hold = _hold;
            wake = _waiters.Where(w => w.Count <= _started).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Count <= _started);
        }

        wake.ForEach(w => w.TrySetResult());
        if (hold is not null)
        {
            await hold.Task.WaitAsync(ct);
        }

        return Outcome(trigger);
    }
}

internal static class Outcomes
{
    public static CycleOutcome Loaded(string commit) => new(
        DesiredLoaded: true,
        ConfigCommit: commit,
        Domains: 3,
        InSync: 1,
        Drift: 1,
        Unknown: 1,
        Invalid: 0,
        Findings: new Dictionary<(string Check, string Kind), int> { [("mx", "mismatch")] = 2, [("spf", "missing")] = 1 },
        Duration: TimeSpan.FromMilliseconds(12));
}
