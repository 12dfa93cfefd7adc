using System.Reflection;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.GitHub;

/// <summary>
/// Forwards every call to a real port, but holds the first issue listing until all parties have
/// listed, so racing reporters all see "no issue yet" and all create one.
/// </summary>
public class BarrierPort : DispatchProxy
{
    private IGitHubPort _inner = null!;
    private Barrier _barrier = null!;
    private int _listed;

    public static IGitHubPort Create(IGitHubPort inner, Barrier barrier)
    {
        var proxy = Create<IGitHubPort, BarrierPort>();
        var self = (BarrierPort)(object)proxy;
        self._inner = inner;
        self._barrier = barrier;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var result = targetMethod!.Invoke(_inner, args);
        if (targetMethod.Name == nameof(IGitHubPort.ListIssuesAsync) && Interlocked.Increment(ref _listed) == 1)
        {
            var task = (Task<IReadOnlyList<GhIssue>>)result!;
            return task.ContinueWith(t =>
            {
                _barrier.SignalAndWait(TimeSpan.FromSeconds(10));
                return t.Result;
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        return result;
    }
}
