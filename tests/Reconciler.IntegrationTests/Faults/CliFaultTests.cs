using System.Text.Json;
using Reconciler.Host;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.GitHub;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>Whole <c>reconciler reconcile</c> runs through <see cref="Program.Run"/>, output captured.</summary>
[Collection(FaultCollection.Name)]
public sealed class CliFaultTests(FaultWorld world) : IAsyncLifetime
{
    public const string Token = "ghp_SECRET-faults1234567890abcdefSECRET";
    private FakeGitHubServer gh = null!;
    private string tokenFile = "";

    public async Task InitializeAsync()
    {
        gh = await FakeGitHubServer.StartAsync();
        gh.State.Token = Token;
        tokenFile = Path.Combine(Path.GetTempPath(), $"reconciler-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
    }

    public async Task DisposeAsync()
    {
        await gh.DisposeAsync();
        File.Delete(tokenFile);
    }

    public static (int Exit, string Out, string Err) Reconcile(FaultWorld world, FakeGitHubServer github, string tokenFile, string repo, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args =
        [
            "reconcile", "--repo", repo, "--format", "json", "--github-repo", $"{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}",
            "--github-api", github.BaseUrl, "--github-token-file", tokenFile, .. world.CliObserveArgs(), .. extra,
        ];
        var exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static Dictionary<string, string> TwoDomains() => new()
    {
        ["domains/drift.faults.test.yaml"] = FaultWorld.MxYaml("drift.faults.test", "mx1.drift.faults.test"),
        ["domains/clean.faults.test.yaml"] = FaultWorld.MxYaml("clean.faults.test", "mx.clean.faults.test"),
    };

    [Theory]
    [InlineData(null, 2, "create-issue")]
    [InlineData(FaultKind.BadToken, 1, "401")]
    [InlineData(FaultKind.Forbidden, 1, "403")]
    [InlineData(FaultKind.Validation, 1, "422")]
    [InlineData(FaultKind.ServerError, 1, "502")]
    public async Task The_token_never_appears_in_the_output_of_a_whole_reconcile_run(FaultKind? fault, int exit, string said)
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        if (fault is { } kind)
        {
            gh.InjectFault("POST", "/issues", 100, kind);
            gh.InjectFault("GET", "/issues", 100, kind);
        }

        var run = await Task.Run(() => Reconcile(world, gh, tokenFile, repo.Path));

        Assert.Equal(exit, run.Exit);
        Assert.Contains(said, run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, run.Out + run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", run.Out + run.Err, StringComparison.Ordinal);
        using var plan = JsonDocument.Parse(run.Out);
        Assert.Equal(2, plan.RootElement.GetProperty("summary").GetProperty("domains").GetInt32());
        if (fault is not null)
        {
            Assert.Contains("the next run retries it", run.Err, StringComparison.Ordinal);
            Assert.Empty(gh.Issues());
        }
    }

    [Fact]
    public async Task A_commit_that_deletes_every_domain_file_closes_nothing()
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        Assert.Equal(2, (await Task.Run(() => Reconcile(world, gh, tokenFile, repo.Path))).Exit);
        var issue = Assert.Single(gh.OpenIssues());
        Directory.Delete(Path.Combine(repo.Path, "domains"), recursive: true);
        repo.Commit("oops");

        var run = await Task.Run(() => Reconcile(world, gh, tokenFile, repo.Path));

        Assert.Equal(1, run.Exit);
        Assert.Contains("nothing reported to GitHub", run.Err, StringComparison.Ordinal);
        Assert.Equal("open", gh.Issues().Single(i => i.Number == issue.Number).State);
        Assert.Empty(gh.CommentsOf(issue.Number));
    }

    [Fact]
    public async Task An_empty_token_file_is_refused_before_observing_and_named()
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        var empty = Path.Combine(Path.GetTempPath(), $"reconciler-empty-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(empty, "\n");
        try
        {
            var run = await Task.Run(() => Reconcile(world, gh, empty, repo.Path));
            Assert.Equal(1, run.Exit);
            Assert.Contains("the file is empty", run.Err, StringComparison.Ordinal);
            Assert.Equal("", run.Out);
            Assert.Equal(0, gh.Requests.Count);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public void A_ca_file_without_a_certificate_is_a_usage_error_naming_it()
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        var notPem = Path.Combine(Path.GetTempPath(), $"reconciler-not-pem-{Guid.NewGuid():N}.pem");
        File.WriteAllText(notPem, "this is not a certificate\n");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = Program.Run(["plan", "--repo", repo.Path, "--ca-file", notPem], output, error);

            Assert.Equal(1, exit);
            Assert.Contains($"--ca-file {notPem}: no PEM certificate in it", error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("\"domains\"", output.ToString(), StringComparison.Ordinal); // nothing was planned
        }
        finally
        {
            File.Delete(notPem);
        }
    }

    [Fact]
    public async Task A_dry_run_lists_the_actions_and_writes_nothing()
    {
        using var repo = FaultWorld.Repo(TwoDomains());

        var run = await Task.Run(() => Reconcile(world, gh, tokenFile, repo.Path, "--dry-run"));

        Assert.Equal(2, run.Exit);
        Assert.Contains("would create-issue", run.Err, StringComparison.Ordinal);
        Assert.Equal(0, gh.WriteCount);
        Assert.Empty(gh.Issues());
    }

    [Fact]
    public async Task A_malformed_github_repo_is_a_usage_error_before_anything_is_observed()
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Task.Run(() => Program.Run(["reconcile", "--repo", repo.Path, "--github-repo", "acme", "--github-token-file", tokenFile], output, error));

        Assert.Equal(1, exit);
        Assert.Contains("--github-repo acme: expected OWNER/NAME", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("drift.faults.test", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, gh.Requests.Count);
    }

    [Fact]
    public async Task A_checkout_without_git_reports_nothing_unless_the_commit_is_given()
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        var sha = repo.Head;
        Directory.Delete(Path.Combine(repo.Path, ".git"), recursive: true);

        var without = await Task.Run(() => Reconcile(world, gh, tokenFile, repo.Path));
        Assert.Equal(1, without.Exit);
        Assert.Contains("pass --commit SHA", without.Err, StringComparison.Ordinal);
        Assert.Equal(0, gh.WriteCount);

        var with = await Task.Run(() => Reconcile(world, gh, tokenFile, repo.Path, "--commit", sha));
        Assert.Equal(2, with.Exit);
        Assert.Single(gh.OpenIssues());
        Assert.Equal("failure", Assert.Single(gh.StatusesOf(sha)).State);
    }

    internal static int OpenFor(FakeGitHubServer github, string domain) => GitHubTestKit.OpenIssuesFor(github, domain);
}
