using Microsoft.Extensions.Time.Testing;
using Reconciler.Observe.Dns;

namespace Reconciler.Tests.Observe;

/// <summary>The queries a DNS channel waits on: one timer times them all out, each at its own deadline.</summary>
public sealed class PendingQueriesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void Each_query_times_out_at_its_own_deadline_and_an_answered_one_never()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new Lock();
        var timedOutAsked = new List<long>();
        using var pending = new PendingQueries(gate, Timeout, clock, timedOutAsked.Add);
        PendingQuery first, answered, second;
        lock (gate)
        {
            first = pending.Add(CancellationToken.None);
            answered = pending.Add(CancellationToken.None);
        }

        clock.Advance(TimeSpan.FromSeconds(1.5));
        lock (gate)
        {
            second = pending.Add(CancellationToken.None);
            Assert.Same(answered, pending.Take(answered.Id));
        }

        answered.Answer([1, 2, 3]);
        clock.Advance(TimeSpan.FromSeconds(0.4));
        Assert.False(first.Task.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.IsType<TimeoutException>(first.Task.Exception?.InnerException);
        Assert.False(second.Task.IsCompleted);
        Assert.Equal([first.Asked], timedOutAsked);
        Assert.Equal([1, 2, 3], answered.Task.Result.ToArray());

        clock.Advance(TimeSpan.FromSeconds(1.4));
        Assert.False(second.Task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.IsType<TimeoutException>(second.Task.Exception?.InnerException);
        Assert.Equal([first.Asked, second.Asked], timedOutAsked);

        lock (gate)
        {
            // Timed out: taken out, so a late answer under its id finds nobody.
            Assert.Null(pending.Take(first.Id));
            Assert.Null(pending.Take(second.Id));
        }
    }

    [Fact]
    public void A_silent_connection_is_retired_before_its_timed_out_queries_fail_so_their_retries_get_a_new_one()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new Lock();
        PendingQuery? query = null;
        var stillWaitingWhenRetired = new List<bool>();
        using var pending = new PendingQueries(gate, Timeout, clock, _ => stillWaitingWhenRetired.Add(!query!.Task.IsCompleted));
        lock (gate)
        {
            query = pending.Add(CancellationToken.None);
        }

        clock.Advance(Timeout);

        Assert.Equal([true], stillWaitingWhenRetired);
        Assert.IsType<TimeoutException>(query.Task.Exception?.InnerException);
    }

    [Fact]
    public void A_cancelled_query_is_cancelled_and_forgotten_and_ids_are_never_shared()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new Lock();
        using var pending = new PendingQueries(gate, Timeout, clock);
        using var cancel = new CancellationTokenSource();
        var queries = new List<PendingQuery>();
        PendingQuery cancelled;
        lock (gate)
        {
            cancelled = pending.Add(cancel.Token);
            for (var i = 0; i < 5000; i++)
            {
                queries.Add(pending.Add(CancellationToken.None));
            }
        }

        Assert.Equal(queries.Count + 1, queries.Select(q => q.Id).Append(cancelled.Id).Distinct().Count());

        cancel.Cancel();
        Assert.True(cancelled.Task.IsCanceled);
        lock (gate)
        {
            Assert.Null(pending.Take(cancelled.Id));
            var all = pending.TakeAll();
            Assert.Equal(queries.Count, all.Count);
            Assert.DoesNotContain(cancelled, all);
        }

        // Taken out by TakeAll: the timer finds nothing left to time out.
        clock.Advance(Timeout);
        Assert.All(queries, q => Assert.False(q.Task.IsCompleted));
    }
}
