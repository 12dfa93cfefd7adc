using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>SIGTERM (the host stopping): no new work, the running cycle finishes or is cancelled at the timeout.</summary>
public sealed class ShutdownTests
{
    private static Dictionary<string, string?> Settings()
    {
        var settings = DaemonTestHost.BaseSettings();
        settings["Reconciler:ShutdownTimeout"] = "00:00:02";
        return settings;
    }

    [Fact]
    public async Task The_running_cycle_may_finish_after_stop_is_requested()
    {
        await using var host = await DaemonTestHost.StartAsync(Settings(), r => r.Hold());
        await host.Runner.WaitForStartsAsync(1);

        var stop = host.App.StopAsync();
        Assert.False(stop.IsCompleted);
        host.Runner.Release();
        await stop.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, host.State.CompletedCycles);
        Assert.Equal(1, host.Runner.Started);
        Assert.Contains("Cycle rev-1 done in", host.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Cycle cancelled", host.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cycle_still_running_at_the_shutdown_timeout_is_cancelled()
    {
        await using var host = await DaemonTestHost.StartAsync(Settings(), r => r.Hold());
        await host.Runner.WaitForStartsAsync(1);
        var clock = Stopwatch.StartNew();

        await host.App.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
        Assert.Contains("Cycle cancelled after", host.Logs.All, StringComparison.Ordinal);
        Assert.Equal(1, host.Runner.Started);
    }
}

public sealed class NoSecretTests
{
    [Fact]
    public async Task Without_a_configured_secret_every_delivery_is_401()
    {
        var settings = DaemonTestHost.BaseSettings();
        settings.Remove("GITHUB_WEBHOOK_SECRET");
        await using var host = await DaemonTestHost.StartAsync(settings);
        await host.WaitForFirstCycleAsync();
        var body = DaemonTestHost.PushBody("refs/heads/main", new string('a', 40));

        using var unsigned = await host.PostWebhookAsync(body, null);
        using var signedWithEmpty = await host.PostWebhookAsync(body, DaemonTestHost.Sign(body, ""));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedWithEmpty.StatusCode);
        Assert.Equal(1, host.Runner.Started);
    }
}

public sealed class LeadershipGateTests
{
    private static ReconcilerService Service(RecordingRunner runner, DaemonState state, bool dryRun) => new(
        runner,
        new CycleQueue(),
        state,
        new DaemonMetrics(),
        Options.Create(new ReconcilerOptions { DryRun = dryRun, Shard = "1/2" }),
        new DaemonSecrets(null, null),
        new FakeTimeProvider(),
        NullLogger<ReconcilerService>.Instance);

    [Theory]
    [InlineData(null, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    public async Task Only_a_leader_that_is_not_dry_running_may_write(bool? isLeader, bool dryRun, bool mayWrite)
    {
        var runner = new RecordingRunner();
        var state = new DaemonState(new FakeTimeProvider());
        state.SetLeadership(isLeader, null);
        using var service = Service(runner, state, dryRun);

        await service.RunIterationAsync(CycleReason.Interval, CancellationToken.None);

        var trigger = Assert.Single(runner.Calls);
        Assert.Equal(mayWrite, trigger.MayWrite);
        Assert.Equal(new ShardSpec(1, 2), trigger.Shard);
        Assert.Equal(1, state.CompletedCycles);
    }
}
