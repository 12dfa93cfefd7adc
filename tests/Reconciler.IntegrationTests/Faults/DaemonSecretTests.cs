using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reconciler.Host.Daemon;
using Reconciler.IntegrationTests.Daemon;
using Reconciler.IntegrationTests.FakeGitHub;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>
/// The daemon with the real cycle (git checkout, Knot, fake GitHub answering with faults) and every log
/// line captured at Trace level, exceptions included: the token never appears, the failure is named.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class DaemonSecretTests(FaultWorld world)
{
    private const string Token = "ghp_DAEMON-secret0123456789abcdefDAEMON";

    [Theory]
    [InlineData(null, "create-issue")]
    [InlineData(FaultKind.BadToken, "401")]
    [InlineData(FaultKind.Forbidden, "403")]
    [InlineData(FaultKind.Validation, "422")]
    public async Task The_token_never_appears_in_the_daemon_logs_whatever_github_answers(FaultKind? fault, string said)
    {
        using var repo = FaultWorld.Repo(new Dictionary<string, string>
        {
            ["domains/drift.faults.test.yaml"] = FaultWorld.MxYaml("drift.faults.test", "mx1.drift.faults.test"),
            ["domains/clean.faults.test.yaml"] = FaultWorld.MxYaml("clean.faults.test", "mx.clean.faults.test"),
        });
        await using var gh = await FakeGitHubServer.StartAsync();
        gh.State.Token = Token;
        if (fault is { } kind)
        {
            gh.InjectFault("POST", "/issues", 100, kind);
            gh.InjectFault("GET", "/issues", 100, kind);
        }

        var logs = new LogCapture();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Reconciler:Desired:Directory"] = repo.Path,
            ["Reconciler:Dns:0"] = $"{world.Dns.EndPoint.Address}:{world.Dns.EndPoint.Port}",
            ["Reconciler:Timeout"] = "4",
            ["Reconciler:GitHub:Repo"] = $"{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}",
            ["Reconciler:GitHub:Api"] = gh.BaseUrl,
            ["GITHUB_TOKEN"] = Token,
            ["GITHUB_WEBHOOK_SECRET"] = "webhook-secret-for-the-secret-test",
            ["Logging:LogLevel:Default"] = "Trace",
        };
        var app = DaemonHost.Build([], settings, PipelineCycleRunner.Create, services => services.AddSingleton<ILoggerProvider>(logs));
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<DaemonState>().WaitForCyclesAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var metrics = await client.GetStringAsync("/metrics");
            Assert.DoesNotContain(Token, metrics, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        var all = logs.All;
        Assert.DoesNotContain(Token, all, StringComparison.Ordinal);
        Assert.DoesNotContain("DAEMON", all, StringComparison.Ordinal);
        Assert.Contains(said, all, StringComparison.Ordinal);
        Assert.Equal(fault is null ? 1 : 0, gh.OpenIssues().Count);
    }
}
