using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class RevisionWatcherTests
{
    [Fact]
    public async Task A_new_revision_asks_for_a_cycle_unless_a_cycle_already_saw_it()
    {
        var source = new FixedSource();
        var queue = new CycleQueue();
        var state = new DaemonState(new FakeTimeProvider());
        using var watcher = new RevisionWatcher(source, queue, state, Options.Create(new ReconcilerOptions()), new FakeTimeProvider(), NullLogger<RevisionWatcher>.Instance);

        Assert.False(await watcher.PollOnceAsync(CancellationToken.None)); // the first revision: the start-up cycle covers it
        Assert.False(await watcher.PollOnceAsync(CancellationToken.None)); // unchanged

        source.MoveTo("rev-2");
        Assert.True(await watcher.PollOnceAsync(CancellationToken.None));
        Assert.True(queue.Reader.TryRead(out var reason));
        Assert.Equal(CycleReason.RevisionChanged, reason);

        state.CycleFinished(Outcomes.Loaded("rev-3"));
        source.MoveTo("rev-3");
        Assert.False(await watcher.PollOnceAsync(CancellationToken.None));
        Assert.Equal(0, queue.Reader.Count);
    }

    [Fact]
    public async Task A_revision_the_failed_start_up_cycle_did_not_load_is_asked_for_at_the_next_poll_once()
    {
        // A git-sync volume still empty when the start-up cycle ran: the cycle failed, then git-sync cloned.
        var source = new FixedSource();
        var queue = new CycleQueue();
        var state = new DaemonState(new FakeTimeProvider());
        using var watcher = new RevisionWatcher(source, queue, state, Options.Create(new ReconcilerOptions()), new FakeTimeProvider(), NullLogger<RevisionWatcher>.Instance);

        Assert.False(await watcher.PollOnceAsync(CancellationToken.None)); // the start-up cycle is still running
        state.CycleFinished(null); // and fails

        Assert.True(await watcher.PollOnceAsync(CancellationToken.None));
        Assert.True(queue.Reader.TryRead(out var reason));
        Assert.Equal(CycleReason.RevisionChanged, reason);

        state.CycleFinished(null); // fails again: no loop of cycles every poll, the interval retries it
        Assert.False(await watcher.PollOnceAsync(CancellationToken.None));
        Assert.Equal(0, queue.Reader.Count);
    }
}
