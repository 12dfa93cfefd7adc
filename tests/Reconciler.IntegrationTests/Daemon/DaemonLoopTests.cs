using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class LoopHostFixture : IAsyncLifetime
{
    internal DaemonTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await DaemonTestHost.StartAsync();
        await Host.WaitForFirstCycleAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The loop driven by a fake clock: no sleeps, time only moves when a test advances it.</summary>
public sealed class DaemonLoopTests(LoopHostFixture fixture) : IClassFixture<LoopHostFixture>
{
    private static readonly Regex SampleLine = new(
        @"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*\})? (-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[+-]Inf)( [0-9]+)?$",
        RegexOptions.CultureInvariant);

    private DaemonTestHost Host => fixture.Host;

    [Fact]
    public async Task The_interval_elapsing_on_the_fake_clock_runs_a_cycle()
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;

        Host.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(before, Host.Runner.Started);
        Host.Time.Advance(TimeSpan.FromMinutes(1.6));

        await Host.Runner.WaitForStartsAsync(before + 1);
        Assert.Equal(CycleReason.Interval, Host.Runner.Calls.Last().Reason);
        await Host.WaitIdleAsync();
    }

    [Fact]
    public async Task A_revision_change_seen_by_polling_runs_a_cycle_at_once()
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;

        Host.Source.MoveTo("rev-" + Guid.NewGuid().ToString("N"));
        Host.Time.Advance(TimeSpan.FromSeconds(61));

        await Host.Runner.WaitForStartsAsync(before + 1);
        Assert.Contains(Host.Runner.Calls, c => c.Reason == CycleReason.RevisionChanged);
        await Host.WaitIdleAsync();
    }

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_count_cycles()
    {
        await Host.WaitIdleAsync();

        var text = await Host.Client.GetStringAsync("/metrics");

        var samples = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.NotEmpty(samples);
        Assert.All(samples, l => Assert.Matches(SampleLine, l));
        var cycles = samples.Single(l => l.StartsWith("reconciler_cycles_total{result=\"success\"}", StringComparison.Ordinal));
        Assert.True(double.Parse(cycles.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("reconciler_domains{status=\"drift\"} 1", samples);
        Assert.Contains("reconciler_findings{check=\"mx\",kind=\"mismatch\"} 2", samples);
        Assert.Contains(samples, l => l.StartsWith("reconciler_cycle_duration_seconds_count ", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("reconciler_last_cycle_success_timestamp_seconds ", StringComparison.Ordinal));
        Assert.Contains("# TYPE reconciler_requests_total counter", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_answers_200()
    {
        using var response = await Host.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_failing_cycle_is_logged_counted_and_the_loop_keeps_going()
    {
        await Host.WaitIdleAsync();
        var service = Host.App.Services.GetRequiredService<ReconcilerService>();
        var previous = Host.Runner.Outcome;
        Host.Runner.Outcome = _ => throw new InvalidOperationException("boom in the cycle");
        try
        {
            var outcome = await service.RunIterationAsync(CycleReason.Interval, CancellationToken.None);

            Assert.Null(outcome);
            Assert.Contains("Cycle failed", Host.Logs.All, StringComparison.Ordinal);
            Assert.Contains("boom in the cycle", Host.Logs.All, StringComparison.Ordinal);
            var metrics = await Host.Client.GetStringAsync("/metrics");
            Assert.Matches(new Regex(@"^reconciler_cycles_total\{result=""failure""\} [1-9]", RegexOptions.Multiline), metrics);
        }
        finally
        {
            Host.Runner.Outcome = previous;
        }

        var again = await service.RunIterationAsync(CycleReason.Interval, CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Readiness_fails_when_the_last_success_is_older_than_three_intervals()
    {
        await Host.WaitIdleAsync();
        var service = Host.App.Services.GetRequiredService<ReconcilerService>();
        await service.RunIterationAsync(CycleReason.Interval, CancellationToken.None);
        var previous = Host.Runner.Outcome;
        Host.Runner.Outcome = _ => throw new InvalidOperationException("DNS down");
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/readyz")).StatusCode);

            // Three intervals and a bit pass with every cycle failing.
            for (var i = 0; i < 4; i++)
            {
                var before = Host.Runner.Started;
                Host.Time.Advance(TimeSpan.FromMinutes(5.6));
                await Host.Runner.WaitForStartsAsync(before + 1);
                await Host.WaitIdleAsync();
            }

            using var stale = await Host.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
            Assert.Contains("three intervals", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Host.Runner.Outcome = previous;
        }

        await service.RunIterationAsync(CycleReason.Interval, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync("/readyz")).StatusCode);
    }
}

/// <summary>A fresh host whose first cycle is held: readiness before and after it.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_is_503_until_the_first_cycle_has_loaded_desired_state_then_200()
    {
        await using var host = await DaemonTestHost.StartAsync(prepare: r => r.Hold());
        await host.Runner.WaitForStartsAsync(1);

        using var before = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Contains("no cycle has loaded desired state", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        host.Runner.Release();
        await host.WaitForFirstCycleAsync();

        using var after = await host.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var body = await after.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"ready\"", body, StringComparison.Ordinal);
        Assert.Contains("rev-1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cycle_that_could_not_load_desired_state_does_not_make_the_daemon_ready()
    {
        await using var host = await DaemonTestHost.StartAsync(prepare: r => r.Outcome = _ => Outcomes.Loaded("x") with { DesiredLoaded = false });
        await host.WaitForFirstCycleAsync();

        using var response = await host.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("without desired state", host.Logs.All, StringComparison.Ordinal);
    }
}
