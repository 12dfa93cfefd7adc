using DnsClient;
using Reconciler.Observe;

namespace Reconciler.Tests.Observe;

public sealed class DnsMemoTests
{
    private static readonly Task<RawAnswer> Answer = Task.FromResult(new RawAnswer([], false, null, "test"));

    [Fact]
    public async Task Identical_queries_are_sent_once_even_when_asked_together()
    {
        var memo = new DnsMemo();
        var sends = 0;
        var gate = new TaskCompletionSource();
        Func<Task<RawAnswer>> send = () =>
        {
            Interlocked.Increment(ref sends);
            return Answer;
        };

        var asks = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return memo.GetOrSend(null, ("s", "_spf.example.net", QueryType.TXT), send);
        })).ToList();
        gate.SetResult();
        await Task.WhenAll(asks);

        Assert.Equal(1, sends);
    }

    [Fact]
    public void A_domains_own_names_go_with_its_scope_and_shared_names_stay()
    {
        var memo = new DnsMemo();
        var sends = 0;
        Func<Task<RawAnswer>> send = () =>
        {
            sends++;
            return Answer;
        };

        var scope = memo.Acquire("example.com");
        memo.GetOrSend(scope, ("s", "_dmarc.example.com", QueryType.TXT), send);
        memo.GetOrSend(scope, ("s", "example.com", QueryType.MX), send);
        memo.GetOrSend(scope, ("s", "_spf.example.net", QueryType.TXT), send);
        memo.GetOrSend(scope, ("s", "notexample.com", QueryType.TXT), send);
        Assert.Equal(2, memo.SharedCount);

        var second = memo.Acquire("example.com");
        memo.GetOrSend(second, ("s", "_dmarc.example.com", QueryType.TXT), send);
        Assert.Equal(4, sends);

        memo.Release(scope);
        memo.GetOrSend(second, ("s", "_dmarc.example.com", QueryType.TXT), send);
        Assert.Equal(4, sends);

        memo.Release(second);
        var third = memo.Acquire("example.com");
        memo.GetOrSend(third, ("s", "_dmarc.example.com", QueryType.TXT), send);
        memo.GetOrSend(third, ("s", "_spf.example.net", QueryType.TXT), send);
        Assert.Equal(5, sends);
    }
}
