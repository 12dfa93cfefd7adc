using System.Reflection;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.GitHub;

/// <summary>
/// Forwards every call to a real port, but answers the first listing of open issues with none, as a
/// replica that listed an instant before another one opened its issue would have seen it.
/// </summary>
public class StaleListingPort : DispatchProxy
{
    private IGitHubPort _inner = null!;
    private int _openListings;

    public static IGitHubPort Create(IGitHubPort inner)
    {
        var proxy = Create<IGitHubPort, StaleListingPort>();
        ((StaleListingPort)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IGitHubPort.ListIssuesAsync) && args![2] is GhIssueState.Open && Interlocked.Increment(ref _openListings) == 1)
        {
            return Task.FromResult<IReadOnlyList<GhIssue>>([]);
        }

        return targetMethod.Invoke(_inner, args);
    }
}
