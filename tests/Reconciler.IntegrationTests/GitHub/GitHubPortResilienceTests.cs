using System.Diagnostics;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.Report.GitHub;
using static Reconciler.IntegrationTests.GitHub.GitHubTestKit;

namespace Reconciler.IntegrationTests.GitHub;

public sealed class GitHubPortResilienceTests : IClassFixture<FakeGitHubFixture>
{
    private const string IssuesPath = $"/repos/{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}/issues";
    private readonly FakeGitHubServer _gh;

    public GitHubPortResilienceTests(FakeGitHubFixture fixture)
    {
        _gh = fixture.Server;
        _gh.Reset();
        SeedConfig(_gh, "a.example");
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff()
    {
        _gh.InjectFault("POST", IssuesPath, 2, FaultKind.ServerError);

        var issue = await Port(_gh).CreateIssueAsync("t", "b", ["x"], default);

        Assert.Equal(3, _gh.CountRequests("POST", IssuesPath));
        Assert.Single(_gh.Issues(), i => i.Number == issue.Number);
    }

    [Fact]
    public async Task Server_errors_beyond_the_retry_budget_fail_with_the_status()
    {
        _gh.InjectFault("GET", "/git/refs/heads/main", 10, FaultKind.ServerError);

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => Port(_gh).GetBranchHeadAsync("main", default));

        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(5, _gh.CountRequests("GET", "/git/refs/heads/main"));
    }

    [Fact]
    public async Task Secondary_rate_limit_waits_for_retry_after()
    {
        _gh.InjectFault("GET", "/user", 1, FaultKind.SecondaryRateLimit, seconds: 1);
        var clock = Stopwatch.StartNew();

        var login = await Port(_gh).GetCurrentLoginAsync(default);

        Assert.Equal("reconciler-bot", login);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited only {clock.Elapsed}");
        Assert.Equal(2, _gh.CountRequests("GET", "/user"));
    }

    [Fact]
    public async Task Too_many_requests_waits_for_retry_after()
    {
        _gh.InjectFault("GET", "/user", 1, FaultKind.TooManyRequests, seconds: 1);
        var clock = Stopwatch.StartNew();

        await Port(_gh).GetCurrentLoginAsync(default);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited only {clock.Elapsed}");
    }

    [Fact]
    public async Task Primary_rate_limit_waits_until_reset()
    {
        _gh.InjectFault("GET", "/user", 1, FaultKind.PrimaryRateLimit, seconds: 1);
        var clock = Stopwatch.StartNew();

        await Port(_gh).GetCurrentLoginAsync(default);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited only {clock.Elapsed}");
        Assert.Equal(2, _gh.CountRequests("GET", "/user"));
    }

    [Fact]
    public async Task Rate_limit_reset_beyond_the_bound_fails_at_once()
    {
        _gh.InjectFault("GET", "/user", 1, FaultKind.PrimaryRateLimit, seconds: 3600);
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => Port(_gh).GetCurrentLoginAsync(default));

        Assert.Equal(403, ex.StatusCode);
        Assert.Contains("rate limit", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Validation_failure_is_not_retried_and_names_the_errors()
    {
        _gh.InjectFault("POST", IssuesPath, 1, FaultKind.Validation);

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => Port(_gh).CreateIssueAsync("t", "b", [], default));

        Assert.True(ex.IsValidation);
        Assert.Contains("Validation Failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Issue.title: invalid injected validation failure", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _gh.CountRequests("POST", IssuesPath));
    }

    [Fact]
    public async Task Duplicate_branch_is_a_clear_422()
    {
        var head = await Port(_gh).GetBranchHeadAsync("main", default);

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => Port(_gh).CreateBranchAsync("main", head!, default));

        Assert.Contains("already_exists", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_token_fails_with_401_and_no_retry()
    {
        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => Port(_gh, token: "wrong").GetCurrentLoginAsync(default));

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal(1, _gh.CountRequests("GET", "/user"));
        Assert.DoesNotContain("wrong", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_a_rate_limit_wait()
    {
        _gh.InjectFault("GET", "/user", 1, FaultKind.SecondaryRateLimit, seconds: 4);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Port(_gh).GetCurrentLoginAsync(cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Paginated_lists_return_every_page_and_rate_limit_remaining_is_exposed()
    {
        var port = Port(_gh);
        Assert.Null(port.RateLimitRemaining);
        for (var i = 0; i < 5; i++)
        {
            await port.CreateIssueAsync($"issue {i}", "b", [DriftMarker.Label], default);
        }

        var issues = await port.ListIssuesAsync(DriftMarker.Label, "reconciler-bot", GhIssueState.Open, default);

        Assert.Equal(5, issues.Count);
        Assert.Equal(3, _gh.CountRequests("GET", IssuesPath));
        Assert.InRange(port.RateLimitRemaining ?? -1, 1, 4999);
    }

    [Fact]
    public async Task Files_and_commits_round_trip_byte_for_byte()
    {
        var port = Port(_gh);
        var head = (await port.GetBranchHeadAsync("main", default))!;
        const string text = "\uFEFFé: \"x\"\r\n# ünïcode ✓\r\n";

        var commit = await port.CreateCommitAsync(head, new Dictionary<string, string> { ["x/y.txt"] = text }, "m", default);
        await port.CreateBranchAsync("topic", commit, default);
        var file = await port.GetFileAsync("x/y.txt", "topic", default);

        Assert.Equal(text, file!.Content);
        Assert.Null(await port.GetFileAsync("x/none.txt", "topic", default));
        Assert.Null(await port.GetBranchHeadAsync("no-such-branch", default));
    }
}
