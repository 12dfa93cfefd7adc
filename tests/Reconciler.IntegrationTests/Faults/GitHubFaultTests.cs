using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.Plan;
using Reconciler.Records;
using Reconciler.Report.GitHub;
using static Reconciler.IntegrationTests.GitHub.GitHubTestKit;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>GitHub faults the reporter must survive without a duplicate, a crash or a leaked token.</summary>
[Collection(FaultCollection.Name)]
public sealed class GitHubFaultTests : IAsyncLifetime
{
    private const string Token = "ghp_FAULTS-0000000000000000000000000000";
    private const string PrBranch = "reconciler/mta-sts-id/b.example";
    private FakeGitHubServer gh = null!;
    private string sha = "";

    public async Task InitializeAsync()
    {
        gh = await FakeGitHubServer.StartAsync();
        gh.State.Token = Token;
        sha = SeedConfig(gh, "a.example", "b.example");
    }

    public async Task DisposeAsync() => await gh.DisposeAsync();

    private GitHubReporter Reporter(IGitHubPort? port = null) => new(port ?? Port(gh, Token));

    private static DomainPlan Bump(string domain) =>
        new(domain, DomainStatus.Drift,
            [new Finding(Checks.MtaStsPolicy, FindingKind.Mismatch, Severity.Error, $"https://mta-sts.{domain}/.well-known/mta-sts.txt", "mode: enforce", "mode: testing", "policy differs")],
            new MtaStsIds("20230624214700", "20230624214700", "20261128204200", "version: STSv1\nmode: enforce\nmx: mail.b.example\nmax_age: 604800\n", null),
            [$"1. Publish the declared policy at https://mta-sts.{domain}/.well-known/mta-sts.txt"]);

    private ReportInput Both() => Input(sha, Drift("a.example"), Bump("b.example"));

    private void AssertOneOfEach()
    {
        Assert.Equal(1, OpenIssuesFor(gh, "a.example"));
        Assert.Equal(1, OpenIssuesFor(gh, "b.example"));
        Assert.Single(gh.Pulls(), p => p.State == "open" && p.Head == PrBranch);
        Assert.Single(gh.BranchNames(), b => b.StartsWith("reconciler/", StringComparison.Ordinal));
    }

    /// <summary>
    /// kill -9 of a pod cannot be done here; the closest real thing: the run dies right after one GitHub
    /// write (its token cancelled, the next call never made), then a fresh reporter runs.
    /// </summary>
    [Theory]
    [InlineData(nameof(IGitHubPort.CreateLabelAsync))]
    [InlineData(nameof(IGitHubPort.CreateIssueAsync))]
    [InlineData(nameof(IGitHubPort.CreateBranchAsync))]
    [InlineData(nameof(IGitHubPort.CreateCommitAsync))]
    [InlineData(nameof(IGitHubPort.UpdateBranchAsync))]
    [InlineData(nameof(IGitHubPort.CreatePullRequestAsync))]
    public async Task A_run_killed_after_any_write_then_restarted_ends_with_one_issue_and_one_pr(string killedAfter)
    {
        using var kill = new CancellationTokenSource();
        var dying = Reporter(KillingPort.Create(Port(gh, Token), kill, killedAfter));
        try
        {
            await dying.ReportAsync(Both(), false, kill.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed.
        }

        await Reporter().ReportAsync(Both(), false, CancellationToken.None);
        AssertOneOfEach();
        var writes = gh.WriteCount;
        var again = await Reporter().ReportAsync(Both(), false, CancellationToken.None);
        Assert.Empty(again.Writes);
        Assert.Equal(writes, gh.WriteCount);
    }

    [Fact]
    public async Task A_pr_closed_by_hand_meanwhile_gets_exactly_one_open_successor()
    {
        await Reporter().ReportAsync(Both(), false, CancellationToken.None);
        var first = Assert.Single(gh.Pulls());
        gh.ClosePullByHand(first.Number);

        await Reporter().ReportAsync(Both(), false, CancellationToken.None);
        await Reporter().ReportAsync(Both(), false, CancellationToken.None);

        Assert.Equal("closed", gh.Pulls().Single(p => p.Number == first.Number).State);
        Assert.Single(gh.Pulls(), p => p.State == "open" && p.Head == PrBranch);
        Assert.Equal(2, gh.Pulls().Count);
        AssertOneOfEach();
    }

    [Fact]
    public async Task A_token_that_cannot_see_the_repository_reports_errors_writes_nothing_and_never_shows_the_token()
    {
        var blind = new OctokitGitHubPort(Options(gh, Token) with { Repository = "not-visible" }, TimeProvider.System);

        var result = await Reporter(blind).ReportAsync(Both(), false, CancellationToken.None);

        Assert.NotEmpty(result.Errors);
        Assert.All(result.Errors, e => Assert.Contains("404", e.Detail, StringComparison.Ordinal));
        Assert.Empty(result.Writes);
        Assert.Empty(gh.Issues());
        Assert.DoesNotContain(Token, string.Join('\n', result.Actions), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_write_rights_fails_each_domain_alone_with_a_403_and_no_retry_storm()
    {
        gh.InjectFault("POST", "/issues", 100, FaultKind.Forbidden);

        var result = await Reporter().ReportAsync(Both(), false, CancellationToken.None);

        Assert.Contains(result.Errors, e => e.Target == "a.example" && e.Detail.Contains("403", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Target == "b.example" && e.Detail.Contains("403", StringComparison.Ordinal));
        Assert.True(gh.CountRequests("POST", "/issues") <= 4, "a 403 without a rate-limit sign is not retried");
        // The PR and the status are other domains of work: they still happen.
        Assert.Single(gh.Pulls(), p => p.State == "open");
        Assert.NotEmpty(gh.StatusesOf(sha));
        Assert.DoesNotContain(Token, string.Join('\n', result.Actions), StringComparison.Ordinal);

        gh.ClearFaults();
        await Reporter().ReportAsync(Both(), false, CancellationToken.None);
        AssertOneOfEach();
    }
}
