using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// <c>reconciler reconcile</c> end to end: a real git checkout, real Knot and HTTPS policy hosts, and the
/// stateful fake GitHub. Every run also asserts that the token never shows on stdout or stderr.
/// </summary>
[Collection(ReconcileCollection.Name)]
public sealed class ReconcileEndToEndTests(ReconcileWorld world) : IDisposable
{
    private const string Status = "reconciler/mail-auth";
    private readonly List<ConfigCheckout> _checkouts = [];

    public void Dispose()
    {
        foreach (var checkout in _checkouts)
        {
            checkout.Dispose();
        }
    }

    [Fact]
    public void The_first_run_opens_one_issue_per_drifting_domain_a_pr_per_id_bump_and_sets_the_status()
    {
        var checkout = Checkout();
        var (exit, output, error) = ReconcileWorld.Run(world.Args(checkout));

        Assert.True(exit == 2, $"exit {exit}; stderr:\n{error}");
        Assert.All(ReconcileWorld.Domains, d => Assert.Contains(d, output, StringComparison.Ordinal));
        var open = world.GitHub.OpenIssues();
        Assert.Equal([ReconcileWorld.Auth, ReconcileWorld.Bump], open.Select(i => DriftMarker.Parse(i.Body)?.Domain).Order(StringComparer.Ordinal));
        Assert.All(open, i =>
        {
            var domain = DriftMarker.Parse(i.Body)!.Value.Domain;
            Assert.Equal($"Mail-auth drift: {domain}", i.Title);
            Assert.StartsWith($"<!-- reconciler:drift {domain} fp=", i.Body, StringComparison.Ordinal);
            Assert.Equal([DriftMarker.Label], i.Labels);
        });
        Assert.True(world.GitHub.HasLabel(DriftMarker.Label));
        Assert.Contains($"create-issue  {ReconcileWorld.Auth}  Mail-auth drift: {ReconcileWorld.Auth}", error, StringComparison.Ordinal);

        AssertOnlyTheIdLineChanged(checkout);
        var status = Assert.Single(world.GitHub.StatusesOf(checkout.Sha));
        Assert.Equal((Status, "failure"), (status.Context, status.State));
        Assert.Contains($"set-status  {checkout.Sha}  failure", error, StringComparison.Ordinal);
        Assert.DoesNotContain("error:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_run_changes_nothing()
    {
        var checkout = Checkout();
        var first = ReconcileWorld.Run(world.Args(checkout));
        Assert.True(first.Exit == 2, first.Error);
        var issues = world.GitHub.Issues().Select(i => (i.Number, i.Body, i.State)).ToList();
        var pulls = world.GitHub.Pulls().Select(p => (p.Number, p.Title, p.Body, p.State)).ToList();
        var branches = world.GitHub.BranchNames().ToDictionary(b => b, b => world.GitHub.CommitAt(b)!.Sha);
        world.GitHub.ResetCounters();

        // The proposed id is the UTC time to the second: the second run must propose a different one
        // and still change nothing (the PR keeps its id; the issue's fingerprint does not move).
        Thread.Sleep(TimeSpan.FromSeconds(1.1));
        var (exit, _, error) = ReconcileWorld.Run(world.Args(checkout));

        Assert.True(exit == 2, error);
        Assert.True(world.GitHub.WriteCount == 0, error);
        Assert.Equal(issues, world.GitHub.Issues().Select(i => (i.Number, i.Body, i.State)));
        Assert.Equal(pulls, world.GitHub.Pulls().Select(p => (p.Number, p.Title, p.Body, p.State)));
        Assert.Equal(branches, world.GitHub.BranchNames().ToDictionary(b => b, b => world.GitHub.CommitAt(b)!.Sha));
        Assert.Contains("is up to date: nothing to write", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dry_run_writes_nothing_lists_the_actions_and_keeps_stdout_pure_json()
    {
        var checkout = Checkout();
        var (exit, output, error) = ReconcileWorld.Run([.. world.Args(checkout), "--dry-run", "--format", "json"]);

        Assert.True(exit == 2, error);
        Assert.Equal(0, world.GitHub.WriteCount);
        Assert.Empty(world.GitHub.Issues());
        Assert.Empty(world.GitHub.Pulls());
        var plan = JsonNode.Parse(output)!;
        Assert.Equal(2, plan["summary"]!["drift"]!.GetValue<int>());
        Assert.Equal(2, plan["summary"]!["inSync"]!.GetValue<int>());
        Assert.Contains($"would create-issue  {ReconcileWorld.Auth}  Mail-auth drift: {ReconcileWorld.Auth}", error, StringComparison.Ordinal);
        Assert.Contains($"would create-issue  {ReconcileWorld.Bump}  Mail-auth drift: {ReconcileWorld.Bump}", error, StringComparison.Ordinal);
        Assert.Contains($"would create-pr  reconciler/mta-sts-id/{ReconcileWorld.Bump}  MTA-STS: bump id", error, StringComparison.Ordinal);
        Assert.Contains($"would set-status  {checkout.Sha}  failure", error, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dry_run_without_a_github_repository_only_plans()
    {
        var checkout = Checkout();
        var args = world.Args(checkout);
        args.RemoveRange(args.IndexOf("--github-repo"), 4);
        var (exit, output, error) = ReconcileWorld.Run([.. args, "--dry-run"]);

        Assert.True(exit == 2, error);
        Assert.Contains(ReconcileWorld.Auth, output, StringComparison.Ordinal);
        Assert.Contains("planned only, nothing reported", error, StringComparison.Ordinal);
        Assert.Empty(world.GitHub.Requests);
    }

    [Fact]
    public void Without_a_github_repository_or_a_token_it_is_a_usage_error_before_any_lookup()
    {
        var checkout = Checkout();
        var args = world.Args(checkout, tokenFile: false);
        var noRepo = args.ToList();
        noRepo.RemoveRange(noRepo.IndexOf("--github-repo"), 2);
        using (new TokenVariable(null))
        {
            var (exit, output, error) = ReconcileWorld.Run(noRepo);
            Assert.Equal(1, exit);
            Assert.Equal("", output);
            Assert.Contains("--github-repo OWNER/NAME is required", error, StringComparison.Ordinal);

            (exit, output, error) = ReconcileWorld.Run(args);
            Assert.Equal(1, exit);
            Assert.Equal("", output);
            Assert.Contains("no GitHub token: set GITHUB_TOKEN or pass --github-token-file", error, StringComparison.Ordinal);
        }

        Assert.Empty(world.GitHub.Requests);
    }

    [Fact]
    public void The_token_comes_from_GITHUB_TOKEN_and_the_branch_from_the_checkout()
    {
        var checkout = Checkout("live");
        using (new TokenVariable($"  {ReconcileWorld.Token}\n"))
        {
            var (exit, _, error) = ReconcileWorld.Run(world.Args(checkout, tokenFile: false));
            Assert.True(exit == 2, error);
        }

        Assert.Equal(2, world.GitHub.OpenIssues().Count);
        var pull = Assert.Single(world.GitHub.Pulls());
        Assert.Equal("live", pull.Base);
        Assert.Single(world.GitHub.StatusesOf(checkout.Sha));
    }

    [Fact]
    public void A_rejected_token_is_reported_as_an_error_without_showing_it()
    {
        const string wrong = "ghp_FAKE9999-wrong9999token9999zyxw";
        var checkout = Checkout();
        var file = Path.Combine(checkout.Directory, "..", $"wrong-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, wrong);
        try
        {
            var args = world.Args(checkout, tokenFile: false);
            var (exit, output, error) = ReconcileWorld.Run([.. args, "--github-token-file", file], wrong);

            Assert.Equal(1, exit);
            Assert.Contains(ReconcileWorld.Auth, output, StringComparison.Ordinal);
            Assert.Contains("error: reporting issues to GitHub failed: GitHub call failed (401 Unauthorized)", error, StringComparison.Ordinal);
            Assert.Contains($"error: reporting the commit status of {checkout.Sha} to GitHub failed", error, StringComparison.Ordinal);
            Assert.Contains("hint: GitHub refused the token (401)", error, StringComparison.Ordinal);
            Assert.Contains("the next run retries it", error, StringComparison.Ordinal);
            Assert.Equal(0, world.GitHub.WriteCount);
            Assert.Contains(world.GitHub.Requests, r => r.Status == 401);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_github_answer_that_echoes_the_authorization_header_is_printed_masked()
    {
        var checkout = Checkout();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var echo = builder.Build();
        echo.Run(http => FakeJson.Error(http, 401, $"Bad credentials (you sent '{http.Request.Headers.Authorization}')"));
        await echo.StartAsync();
        var args = world.Args(checkout);
        args[args.IndexOf("--github-api") + 1] = echo.Urls.First() + "/";

        var (exit, _, error) = ReconcileWorld.Run(args);

        Assert.Equal(1, exit);
        Assert.True(error.Contains("(you sent 'Token ***')", StringComparison.Ordinal), error);
    }

    [Fact]
    public void An_unreachable_github_api_is_an_error_that_the_next_run_retries()
    {
        var checkout = Checkout();
        var args = world.Args(checkout);
        args[args.IndexOf("--github-api") + 1] = $"http://127.0.0.1:{FreePort.Find(IPAddress.Loopback)}/";

        var (exit, output, error) = ReconcileWorld.Run(args);

        Assert.Equal(1, exit);
        Assert.Contains(ReconcileWorld.Auth, output, StringComparison.Ordinal);
        Assert.Contains("error: reporting to acme/mail-config failed (", error, StringComparison.Ordinal);
        Assert.Contains("the next run retries it", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_burst_of_server_errors_is_retried()
    {
        var checkout = Checkout();
        world.GitHub.InjectFault("POST", "/issues", 2, FaultKind.ServerError);

        var (exit, _, error) = ReconcileWorld.Run(world.Args(checkout));

        Assert.True(exit == 2, error);
        Assert.Equal(2, world.GitHub.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/issues", StringComparison.Ordinal) && r.Status == 502));
        Assert.Equal([ReconcileWorld.Auth, ReconcileWorld.Bump],
            world.GitHub.OpenIssues().Select(i => DriftMarker.Parse(i.Body)!.Value.Domain).Order(StringComparer.Ordinal));
        Assert.Single(world.GitHub.Pulls());
        Assert.DoesNotContain("error:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_desired_file_keeps_its_issue_open_with_a_comment_and_exits_one()
    {
        var checkout = Checkout();
        Assert.Equal(2, ReconcileWorld.Run(world.Args(checkout)).Exit);
        var issue = Assert.Single(world.GitHub.OpenIssues($"Mail-auth drift: {ReconcileWorld.Auth}"));
        var path = $"domains/{ReconcileWorld.Auth}.yaml";
        checkout.Commit(new Dictionary<string, string?> { [path] = ReconcileWorld.DomainYaml(ReconcileWorld.Auth) + "unknown_key: 1\n" }, "break it");
        world.Push(checkout);

        var (exit, _, error) = ReconcileWorld.Run(world.Args(checkout));

        Assert.True(exit == 1, error);
        Assert.Contains($"{path}:", error, StringComparison.Ordinal);
        Assert.Equal("open", world.GitHub.Issues().Single(i => i.Number == issue.Number).State);
        var comment = Assert.Single(world.GitHub.CommentsOf(issue.Number));
        Assert.Contains($"<!-- reconciler:invalid {ReconcileWorld.Auth} -->", comment.Body, StringComparison.Ordinal);
        Assert.Contains($"comment  #{issue.Number}  {ReconcileWorld.Auth}: declaration invalid", error, StringComparison.Ordinal);
        Assert.Equal("error", world.GitHub.StatusesOf(checkout.Sha).Single(s => s.Context == Status).State);

        world.GitHub.ResetCounters();
        Assert.Equal(1, ReconcileWorld.Run(world.Args(checkout)).Exit);
        Assert.Equal(0, world.GitHub.WriteCount);
    }

    private ConfigCheckout Checkout(string branch = "main")
    {
        var checkout = world.NewCheckout(branch);
        _checkouts.Add(checkout);
        return checkout;
    }

    /// <summary>The id-bump PR's branch differs from the config branch in the id line of one file, and nothing else.</summary>
    private void AssertOnlyTheIdLineChanged(ConfigCheckout checkout)
    {
        var pull = Assert.Single(world.GitHub.Pulls());
        Assert.Equal(("open", $"reconciler/mta-sts-id/{ReconcileWorld.Bump}", checkout.Branch), (pull.State, pull.Head, pull.Base));
        var before = world.GitHub.FilesAt(checkout.Branch);
        var after = world.GitHub.FilesAt(pull.Head);
        var path = $"domains/{ReconcileWorld.Bump}.yaml";
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.All(before.Where(f => f.Key != path), f => Assert.Equal(f.Value, after[f.Key]));

        var oldLines = before[path].Split('\n');
        var newLines = after[path].Split('\n');
        Assert.Equal(oldLines.Length, newLines.Length);
        var changed = Enumerable.Range(0, oldLines.Length).Where(i => oldLines[i] != newLines[i]).ToList();
        var line = Assert.Single(changed);
        Assert.Equal($"  id: \"{ReconcileWorld.Id}\"   # bumped by the reconciler's pull requests", oldLines[line]);
        var id = newLines[line].Split('"')[1];
        Assert.True(string.CompareOrdinal(id, ReconcileWorld.Id) > 0, $"proposed id {id} is not newer than {ReconcileWorld.Id}");
        Assert.Equal(before[path].Replace($"\"{ReconcileWorld.Id}\"", $"\"{id}\"", StringComparison.Ordinal), after[path]);
        Assert.Contains(id, pull.Title, StringComparison.Ordinal);
    }

    /// <summary>Sets (or clears) GITHUB_TOKEN for the process and restores it on dispose.</summary>
    private sealed class TokenVariable : IDisposable
    {
        private readonly string? _saved = Environment.GetEnvironmentVariable("GITHUB_TOKEN");

        public TokenVariable(string? value) => Environment.SetEnvironmentVariable("GITHUB_TOKEN", value);

        public void Dispose() => Environment.SetEnvironmentVariable("GITHUB_TOKEN", _saved);
    }
}
