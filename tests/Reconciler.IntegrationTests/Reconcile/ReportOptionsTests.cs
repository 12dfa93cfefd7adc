using Reconciler.Host;
using Reconciler.Host.Commands;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.Reconcile;

/// <summary>The reconcile command's GitHub options: token rules, branch and commit of the checkout, usage errors (no network).</summary>
public sealed class ReportOptionsTests : IDisposable
{
    private const string Token = "ghp_FAKE1111-options1111token1111abcd";
    private readonly string _dir = Directory.CreateTempSubdirectory("reconciler-report-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_token_file_wins_over_the_variable_and_is_trimmed()
    {
        var file = Path.Combine(_dir, "token");
        File.WriteAllText(file, $"\n {Token} \r\n");

        Assert.Equal((Token, null), ReportOptions.ReadToken(file, _ => "ghp_FAKE_from_the_variable"));
        Assert.Equal((Token, null), ReportOptions.ReadToken(null, _ => $" {Token}\n"));
    }

    [Theory]
    [InlineData("ghp_FAKE with space")]
    [InlineData("ghp_FAKE\nsecond-line")]
    [InlineData("ghp_FAKE\u00e9")]
    public void A_token_that_cannot_go_in_a_header_is_refused_without_being_shown(string token)
    {
        var (value, error) = ReportOptions.ReadToken(null, _ => token);

        Assert.Null(value);
        Assert.Contains("GITHUB_TOKEN", error, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_FAKE", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_empty_or_unreadable_token_is_an_error_naming_its_source()
    {
        var empty = Path.Combine(_dir, "empty");
        File.WriteAllText(empty, " \n");

        Assert.Equal("no GitHub token: set GITHUB_TOKEN or pass --github-token-file FILE", ReportOptions.ReadToken(null, _ => null).Error);
        Assert.Equal($"--github-token-file {empty}: the file is empty", ReportOptions.ReadToken(empty, _ => Token).Error);
        Assert.StartsWith($"--github-token-file {_dir}/absent: cannot be read", ReportOptions.ReadToken(Path.Combine(_dir, "absent"), _ => Token).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_hides_every_occurrence_of_the_token_and_ToString_never_shows_it()
    {
        var target = new ReportTarget("acme/mail-config", "main", new string('a', 40), new GitHubOptions("https://api.github.com/", "acme", "mail-config", Token));

        Assert.Equal("header Authorization: token *** (***)", target.Redact($"header Authorization: token {Token} ({Token})"));
        Assert.DoesNotContain(Token, target.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_branch_is_read_from_HEAD_also_through_a_gitdir_file_and_is_null_when_detached()
    {
        var repo = Path.Combine(_dir, "repo");
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        File.WriteAllText(Path.Combine(repo, ".git", "HEAD"), "ref: refs/heads/release/2026\n");
        var worktree = Path.Combine(_dir, "worktree");
        Directory.CreateDirectory(worktree);
        Directory.CreateDirectory(Path.Combine(_dir, "meta"));
        File.WriteAllText(Path.Combine(worktree, ".git"), "gitdir: ../meta\n");
        File.WriteAllText(Path.Combine(_dir, "meta", "HEAD"), "ref: refs/heads/live\n");
        var detached = Path.Combine(_dir, "detached");
        Directory.CreateDirectory(Path.Combine(detached, ".git"));
        File.WriteAllText(Path.Combine(detached, ".git", "HEAD"), new string('b', 40) + "\n");

        Assert.Equal("release/2026", ReportOptions.CurrentBranch(repo));
        Assert.Equal("live", ReportOptions.CurrentBranch(worktree));
        Assert.Null(ReportOptions.CurrentBranch(detached));
        Assert.Null(ReportOptions.CurrentBranch(_dir));
    }

    [Theory]
    [InlineData("--github-repo", "no-slash")]
    [InlineData("--github-api", "not a url")]
    [InlineData("--github-api", "ftp://api.example/")]
    [InlineData("--commit", "abc123")]
    [InlineData("--branch", "two words")]
    public void Malformed_github_options_are_usage_errors(string option, string value)
    {
        var (exit, _, error) = Run("reconcile", "--repo", _dir, option, value);

        Assert.Equal(1, exit);
        Assert.Contains($"{option} {value}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_commit_outside_a_git_checkout_it_asks_for_commit()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "domains"));
        File.WriteAllText(Path.Combine(_dir, "token"), Token);

        var (exit, output, error) = Run("reconcile", "--repo", _dir, "--github-repo", "acme/mail-config", "--github-token-file", Path.Combine(_dir, "token"));

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("pass --commit SHA", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_github_options()
    {
        var (exit, output, _) = Run("reconcile", "--help");

        Assert.Equal(0, exit);
        Assert.All(["--github-repo", "--github-api", "--github-token-file", "--branch", "--commit", "--dry-run", "--dns", "--format"],
            option => Assert.Contains(option, output, StringComparison.Ordinal));
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
