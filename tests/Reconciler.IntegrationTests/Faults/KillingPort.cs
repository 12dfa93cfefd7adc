using System.Reflection;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>
/// Forwards every call to a real port; once the call named <see cref="killAfter"/> has completed, the
/// run's token is cancelled, so the very next GitHub call fails as if the process had been killed there.
/// </summary>
public class KillingPort : DispatchProxy
{
    private IGitHubPort inner = null!;
    private CancellationTokenSource kill = null!;
    private string killAfter = "";

    public static IGitHubPort Create(IGitHubPort inner, CancellationTokenSource kill, string killAfter)
    {
        var proxy = Create<IGitHubPort, KillingPort>();
        var self = (KillingPort)(object)proxy;
        self.inner = inner;
        self.kill = kill;
        self.killAfter = killAfter;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        kill.Token.ThrowIfCancellationRequested();
        var result = targetMethod!.Invoke(inner, args);
        if (targetMethod.Name == killAfter && result is Task task)
        {
            var returns = targetMethod.ReturnType;
            return returns.IsGenericType
                ? typeof(KillingPort).GetMethod(nameof(AfterTyped), BindingFlags.NonPublic | BindingFlags.Instance)!
                    .MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(this, [task])
                : AfterAsync(task);
        }

        return result;
    }

    private async Task AfterAsync(Task write)
    {
        await write.ConfigureAwait(false);
        await kill.CancelAsync().ConfigureAwait(false);
    }

    private async Task<T> AfterTyped<T>(Task<T> write)
    {
        var value = await write.ConfigureAwait(false);
        await kill.CancelAsync().ConfigureAwait(false);
        return value;
    }
}
