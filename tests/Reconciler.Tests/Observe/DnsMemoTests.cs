using DnsClient;
using Reconciler.Observe;

namespace Reconciler.Tests.Observe;

public sealed class DnsMemoTests
{
    private static readonly RawAnswer Answer = new([], false, null, "test");

    /// <summary>Asks the memo; the caller handed the promise sends (counted) and completes it.</summary>
    private static Task<RawAnswer> Ask(DnsMemo memo, DnsMemo.Scope? scope, string name, QueryType type, ref int sends)
    {
        var task = memo.GetOrAdd(scope, ("s", name, type), out var promise);
        if (promise is not null)
        {
            Interlocked.Increment(ref sends);
            promise.SetResult(Answer);
        }

        return task;
    }

    [Fact]
    public async Task Identical_queries_are_sent_once_even_when_asked_together()
    {
        var memo = new DnsMemo();
        var sends = 0;
        var gate = new TaskCompletionSource();
        var asks = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return await Ask(memo, null, "_spf.example.net", QueryType.TXT, ref sends);
        })).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(asks);

        Assert.Equal(1, sends);
        Assert.All(answers, a => Assert.Same(Answer, a));
    }

    [Fact]
    public void A_domains_own_names_go_with_its_scope_and_shared_names_stay()
    {
        var memo = new DnsMemo();
        var sends = 0;
        var scope = memo.Acquire("example.com");
        Ask(memo, scope, "_dmarc.example.com", QueryType.TXT, ref sends);
        Ask(memo, scope, "example.com", QueryType.MX, ref sends);
        Ask(memo, scope, "_spf.example.net", QueryType.TXT, ref sends);
        Ask(memo, scope, "notexample.com", QueryType.TXT, ref sends);
        Assert.Equal(2, memo.SharedCount);

        var second = memo.Acquire("example.com");
        Ask(memo, second, "_dmarc.example.com", QueryType.TXT, ref sends);
        Assert.Equal(4, sends);

        memo.Release(scope);
        Ask(memo, second, "_dmarc.example.com", QueryType.TXT, ref sends);
        Assert.Equal(4, sends);

        memo.Release(second);
        var third = memo.Acquire("example.com");
        Ask(memo, third, "_dmarc.example.com", QueryType.TXT, ref sends);
        Ask(memo, third, "_spf.example.net", QueryType.TXT, ref sends);
        Assert.Equal(5, sends);
    }

    [Fact]
    public void A_domains_report_authorisations_go_with_its_scope()
    {
        var memo = new DnsMemo();
        var sends = 0;
        var scope = memo.Acquire("example.com");
        Ask(memo, scope, "example.com._report._dmarc.reports.example.net", QueryType.TXT, ref sends);
        Ask(memo, scope, "other.example._report._dmarc.reports.example.net", QueryType.TXT, ref sends);
        Ask(memo, scope, "example.com.evil._report._dmarc.reports.example.net", QueryType.TXT, ref sends);
        Assert.Equal(2, memo.SharedCount);

        memo.Release(scope);
        var again = memo.Acquire("example.com");
        Ask(memo, again, "example.com._report._dmarc.reports.example.net", QueryType.TXT, ref sends);
        Assert.Equal(4, sends);
    }
}
