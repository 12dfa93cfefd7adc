using System.Net;
using System.Text;
using System.Text.Json;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class WebhookHostFixture : IAsyncLifetime
{
    internal DaemonTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await DaemonTestHost.StartAsync();
        await Host.Runner.WaitForStartsAsync(1);
        await Host.WaitIdleAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class WebhookTests(WebhookHostFixture fixture) : IClassFixture<WebhookHostFixture>
{
    private DaemonTestHost Host => fixture.Host;

    private static string Sha() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "01234567";

    [Fact]
    public async Task A_signed_push_to_the_tracked_branch_triggers_a_cycle()
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;
        var body = DaemonTestHost.PushBody("refs/heads/main", Sha());

        using var response = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Host.Runner.WaitForStartsAsync(before + 1);
        Assert.Contains(Host.Runner.Calls, c => c.Reason == CycleReason.Webhook);
        await Host.WaitIdleAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=abcdef")]
    [InlineData("sha256=not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex!")]
    public async Task A_missing_or_wrong_signature_is_401_and_no_cycle(string? signature)
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;
        var body = DaemonTestHost.PushBody("refs/heads/main", Sha());

        using var response = await Host.PostWebhookAsync(body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, Host.Queue.Reader.Count);
        Assert.Equal(before, Host.Runner.Started);
    }

    [Fact]
    public async Task A_body_signed_with_another_secret_is_401()
    {
        var body = DaemonTestHost.PushBody("refs/heads/main", Sha());

        using var response = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body, "another-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_oversize_body_is_413()
    {
        var padding = new string('x', (1024 * 1024) + 10);
        var body = Encoding.UTF8.GetBytes($$"""{"ref":"refs/heads/main","after":"{{Sha()}}","pad":"{{padding}}"}""");

        using var response = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, Host.Queue.Reader.Count);
    }

    [Fact]
    public async Task A_ping_is_answered_and_ignored()
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;
        var body = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome.","hook_id":1}""");

        using var response = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body), eventName: "ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ignored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Host.Queue.Reader.Count);
        Assert.Equal(before, Host.Runner.Started);
    }

    [Theory]
    [InlineData("refs/heads/develop")]
    [InlineData("refs/heads/reconciler/mta-sts-id/example.com")]
    [InlineData("refs/tags/v1")]
    [InlineData("refs/heads/main-old")]
    public async Task A_push_to_another_branch_is_ignored(string gitRef)
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;
        var body = DaemonTestHost.PushBody(gitRef, Sha());

        using var response = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ignored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Host.Queue.Reader.Count);
        Assert.Equal(before, Host.Runner.Started);
    }

    [Fact]
    public async Task A_redelivery_is_a_no_op()
    {
        await Host.WaitIdleAsync();
        var started = Host.Runner.Started;
        var body = DaemonTestHost.PushBody("refs/heads/main", Sha());
        var delivery = Guid.NewGuid().ToString();
        using (var first = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body), delivery: delivery))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        // The accepted delivery's cycle must have started (not merely been queued) before counting.
        await Host.Runner.WaitForStartsAsync(started + 1);
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;

        using var again = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body), delivery: delivery);
        using var sameCommit = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, sameCommit.StatusCode);
        Assert.Contains("duplicate", await sameCommit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Host.Queue.Reader.Count);
        Assert.Equal(before, Host.Runner.Started);
    }

    [Fact]
    public async Task A_burst_of_pushes_during_a_cycle_queues_exactly_one_more()
    {
        await Host.WaitIdleAsync();
        var before = Host.Runner.Started;
        Host.Runner.Hold();
        var first = DaemonTestHost.PushBody("refs/heads/main", Sha());
        using (var response = await Host.PostWebhookAsync(first, DaemonTestHost.Sign(first)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await Host.Runner.WaitForStartsAsync(before + 1);

        var queued = 0;
        for (var i = 0; i < 100; i++)
        {
            var body = DaemonTestHost.PushBody("refs/heads/main", Sha());
            using var response = await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            queued += json.RootElement.GetProperty("queued").GetBoolean() ? 1 : 0;
        }

        Assert.Equal(1, queued);
        Assert.Equal(before + 1, Host.Runner.Started);
        Host.Runner.Release();
        await Host.State.WaitForCyclesAsync(before + 2, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(before + 2, Host.Runner.Started);
        Assert.Equal(0, Host.Queue.Reader.Count);
    }

    [Fact]
    public async Task The_secret_never_appears_in_the_logs()
    {
        var body = DaemonTestHost.PushBody("refs/heads/main", Sha());
        using (await Host.PostWebhookAsync(body, "sha256=" + DaemonTestHost.Secret))
        {
        }

        using (await Host.PostWebhookAsync(body, DaemonTestHost.Sign(body)))
        {
        }

        await Host.WaitIdleAsync();
        var logs = Host.Logs.All;
        Assert.Contains("rejected", logs, StringComparison.Ordinal);
        Assert.Contains("Cycle rev-1 done in", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(DaemonTestHost.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_token_never_logged", logs, StringComparison.Ordinal);
    }
}
