namespace Reconciler.Host.Daemon;

/// <summary>What <c>/readyz</c> answers and why.</summary>
public sealed record Readiness(bool Ready, string Reason, string? Revision, DateTimeOffset? LastSuccess, bool? IsLeader);

/// <summary>
/// The daemon's live state, shared by the loop, the leader elector and the probes. Thread-safe.
/// </summary>
public sealed class DaemonState(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<(long Count, TaskCompletionSource Done)> _waiters = [];
    private DateTimeOffset? _lastSuccess;
    private string? _revision;
    private bool _desiredLoaded;
    private long _completed;
    private bool? _isLeader;
    private string? _electionError;

    public long CompletedCycles
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>The config commit of the last cycle that loaded desired state.</summary>
    public string? Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _isLeader ?? true;
            }
        }
    }

    /// <summary>Records a finished cycle (success or failure) and wakes anyone waiting for it.</summary>
    public void CycleFinished(CycleOutcome? outcome)
    {
        List<TaskCompletionSource> wake;
        lock (_gate)
        {
            if (outcome is { DesiredLoaded: true })
            {
                _desiredLoaded = true;
                _lastSuccess = time.GetUtcNow();
                _revision = outcome.ConfigCommit ?? _revision;
            }

            _completed++;
            var done = _waiters.Where(w => w.Count <= _completed).ToList();
            _waiters.RemoveAll(w => w.Count <= _completed);
            wake = done.ConvertAll(w => w.Done);
        }

        wake.ForEach(t => t.TrySetResult());
    }

    /// <summary>Completes once at least <paramref name="count"/> cycles have finished.</summary>
    public Task WaitForCyclesAsync(long count, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_completed >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(ct);
        }
    }

    /// <summary>Null when leader election is off; the election error makes the replica unready.</summary>
    public void SetLeadership(bool? isLeader, string? electionError)
    {
        lock (_gate)
        {
            _isLeader = isLeader;
            _electionError = electionError;
        }
    }

    public void SetElectionError(string? electionError)
    {
        lock (_gate)
        {
            _electionError = electionError;
        }
    }

    /// <summary>
    /// Not ready until a cycle has loaded desired state, while the last successful cycle is older than
    /// three intervals, and while leader election is failing (for example RBAC forbids the Lease).
    /// </summary>
    public Readiness Evaluate(TimeSpan interval)
    {
        lock (_gate)
        {
            if (_electionError is not null)
            {
                return new Readiness(false, _electionError, _revision, _lastSuccess, _isLeader);
            }

            if (!_desiredLoaded || _lastSuccess is null)
            {
                return new Readiness(false, "no cycle has loaded desired state yet", _revision, _lastSuccess, _isLeader);
            }

            var age = time.GetUtcNow() - _lastSuccess.Value;
            return age > 3 * interval
                ? new Readiness(false, $"the last successful cycle is {(int)age.TotalSeconds} s old (more than three intervals)", _revision, _lastSuccess, _isLeader)
                : new Readiness(true, "ok", _revision, _lastSuccess, _isLeader);
        }
    }
}
