using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Host.Daemon;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>One Knot zone and one config repository (a real git checkout) for the pipeline tests.</summary>
public sealed class PipelineWorld : IAsyncLifetime
{
    public KnotServer Dns { get; private set; } = null!;

    public string Repo { get; } = Directory.CreateTempSubdirectory("reconciler-daemon-world-").FullName;

    public async Task InitializeAsync()
    {
        Dns = await KnotServer.StartAsync([new ZoneBuilder("daemon.test")
            .Mx("drift", 10, "mail.daemon.test.")
            .Mx("clean", 10, "mx.clean.daemon.test.")]);
        Directory.CreateDirectory(Path.Combine(Repo, "domains"));
        await File.WriteAllTextAsync(Path.Combine(Repo, "domains", "drift.daemon.test.yaml"),
            "domain: drift.daemon.test\nmx:\n  - { preference: 10, host: mx1.drift.daemon.test }\n");
        await File.WriteAllTextAsync(Path.Combine(Repo, "domains", "clean.daemon.test.yaml"),
            "domain: clean.daemon.test\nmx:\n  - { preference: 10, host: mx.clean.daemon.test }\n");
        GitCli.Run(Repo, "init", "-q", "-b", "main");
        GitCli.CommitAll(Repo, "domains");
    }

    public async Task DisposeAsync()
    {
        await Dns.DisposeAsync();
        Directory.Delete(Repo, recursive: true);
    }

    public Dictionary<string, string?> Settings(FakeGitHubServer github, bool dryRun) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Reconciler:Desired:Directory"] = Repo,
        ["Reconciler:Dns:0"] = $"{Dns.EndPoint.Address}:{Dns.EndPoint.Port}",
        ["Reconciler:Timeout"] = "2",
        ["Reconciler:DryRun"] = dryRun ? "true" : "false",
        ["Reconciler:GitHub:Repo"] = $"{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}",
        ["Reconciler:GitHub:Api"] = github.BaseUrl,
        ["GITHUB_TOKEN"] = "test-token",
        ["GITHUB_WEBHOOK_SECRET"] = DaemonTestHost.Secret,
    };

    /// <summary>Runs git in <paramref name="repo"/>, ignoring the machine's global config; returns its output.</summary>
}

/// <summary>The daemon with the real cycle: git checkout → Knot → plan → fake GitHub.</summary>
public sealed class DaemonPipelineTests(PipelineWorld world, ITestOutputHelper output) : IClassFixture<PipelineWorld>
{
    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(Dictionary<string, string?> settings)
    {
        var app = DaemonHost.Build([], settings, PipelineCycleRunner.Create);
        await app.StartAsync();
        await app.Services.GetRequiredService<DaemonState>().WaitForCyclesAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    [Fact]
    public async Task The_first_cycle_plans_the_checkout_and_opens_an_issue_for_the_drifting_domain()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        var (app, client) = await StartAsync(world.Settings(github, dryRun: false));
        try
        {
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var issue = Assert.Single(github.OpenIssues("Mail-auth drift"));
            Assert.Contains("drift.daemon.test", issue.Title, StringComparison.Ordinal);
            var metrics = await client.GetStringAsync("/metrics");
            Assert.Contains("reconciler_domains{status=\"drift\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("reconciler_domains{status=\"in-sync\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("reconciler_findings{check=\"mx\",kind=\"", metrics, StringComparison.Ordinal);
            Assert.DoesNotContain("reconciler_requests_total{target=\"dns\"} 0", metrics, StringComparison.Ordinal);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_dry_run_daemon_plans_but_writes_nothing_to_github()
    {
        await using var github = await FakeGitHubServer.StartAsync();
        var (app, client) = await StartAsync(world.Settings(github, dryRun: true));
        try
        {
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Empty(github.Issues());
            Assert.Equal(0, github.WriteCount);
            Assert.Contains("reconciler_domains{status=\"drift\"} 1", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        }
        finally
        {
            client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_commit_that_breaks_a_domain_is_an_issue_soon_after_its_signed_webhook_and_metrics_show_it()
    {
        // Its own checkout: this test commits to it.
        var repo = Directory.CreateTempSubdirectory("reconciler-daemon-webhook-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(repo, "domains"));
            var file = Path.Combine(repo, "domains", "clean.daemon.test.yaml");
            await File.WriteAllTextAsync(file, "domain: clean.daemon.test\nmx:\n  - { preference: 10, host: mx.clean.daemon.test }\n");
            GitCli.Run(repo, "init", "-q", "-b", "main");
            GitCli.CommitAll(repo, "in sync");

            await using var github = await FakeGitHubServer.StartAsync();
            var settings = world.Settings(github, dryRun: false);
            settings["Reconciler:Desired:Directory"] = repo;
            settings["Reconciler:Interval"] = "01:00:00";
            settings["Reconciler:PollInterval"] = "01:00:00";
            var (app, client) = await StartAsync(settings);
            try
            {
                Assert.Empty(github.OpenIssues("Mail-auth drift"));
                Assert.Contains("reconciler_domains{status=\"drift\"} 0", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);

                // The commit declares an MX host that is not published: drift.
                await File.WriteAllTextAsync(file, "domain: clean.daemon.test\nmx:\n  - { preference: 10, host: mx2.clean.daemon.test }\n");
                var head = GitCli.CommitAll(repo, "new mx");

                var body = DaemonTestHost.PushBody("refs/heads/main", head);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/github") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("X-GitHub-Event", "push");
                request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
                request.Headers.Add("X-Hub-Signature-256", DaemonTestHost.Sign(body));
                var clock = Stopwatch.StartNew();
                using var response = await client.SendAsync(request);
                Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}");

                while (github.OpenIssues("Mail-auth drift").Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(10);
                }

                var latency = clock.Elapsed;
                var issue = Assert.Single(github.OpenIssues("Mail-auth drift"));
                Assert.Contains("clean.daemon.test", issue.Title, StringComparison.Ordinal);
                output.WriteLine($"issue opened {latency.TotalMilliseconds:F0} ms after the signed webhook");
                await app.Services.GetRequiredService<DaemonState>().WaitForCyclesAsync(2, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Contains("reconciler_domains{status=\"drift\"} 1", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
            }
            finally
            {
                client.Dispose();
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }
}
