using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Host.Daemon;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.Fixtures;

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
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "domains");
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

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}

/// <summary>The daemon with the real cycle: git checkout → Knot → plan → fake GitHub.</summary>
public sealed class DaemonPipelineTests(PipelineWorld world) : IClassFixture<PipelineWorld>
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
}
