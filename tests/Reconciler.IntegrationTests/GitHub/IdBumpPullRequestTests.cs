using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.Plan;
using Reconciler.Records;
using static Reconciler.IntegrationTests.GitHub.GitHubTestKit;

namespace Reconciler.IntegrationTests.GitHub;

public sealed class IdBumpPullRequestTests : IClassFixture<FakeGitHubFixture>
{
    private const string Branch = "reconciler/mta-sts-id/a.example";
    private const string DeclaredPolicy = "version: STSv1\nmode: enforce\nmx: mail.a.example\nmax_age: 604800\n";
    private const string LivePolicy = "version: STSv1\nmode: testing\nmx: mail.a.example\nmax_age: 86400\n";
    private readonly FakeGitHubServer _gh;
    private readonly string _sha;

    public IdBumpPullRequestTests(FakeGitHubFixture fixture)
    {
        _gh = fixture.Server;
        _gh.Reset();
        _sha = SeedConfig(_gh, "a.example", "b.example");
    }

    private static DomainPlan Bump(string proposed, string domain = "a.example") =>
        new(domain, DomainStatus.Drift,
            [new Finding(Checks.MtaStsPolicy, FindingKind.Mismatch, Severity.Error, $"https://mta-sts.{domain}/.well-known/mta-sts.txt", "mode: enforce", "mode: testing", "policy differs")],
            new MtaStsIds("20230624214700", "20230624214700", proposed, DeclaredPolicy, LivePolicy),
            [$"1. Publish the declared policy at https://mta-sts.{domain}/.well-known/mta-sts.txt", $"2. Then set _mta-sts.{domain}. TXT \"v=STSv1; id={proposed}\""]);

    [Fact]
    public async Task Creates_branch_with_one_commit_that_changes_only_the_id_line_and_writes_the_rendered_policy()
    {
        var input = Input(_sha, Bump("20261128204200"), InSync("b.example")).With(policies: "policies/{domain}/mta-sts.txt");

        var result = await Reporter(_gh).ReportAsync(input, false, default);

        Assert.Empty(result.Errors);
        var head = _gh.CommitAt(Branch)!;
        Assert.Equal([_sha], head.Parents);
        var before = _gh.FilesAt(_sha);
        var after = _gh.FilesAt(Branch);
        Assert.Equal(before.Keys.Append("policies/a.example/mta-sts.txt").Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(DeclaredPolicy, after["policies/a.example/mta-sts.txt"]);
        Assert.Equal(before["domains/b.example.yaml"], after["domains/b.example.yaml"]);
        var oldLines = before["domains/a.example.yaml"].Split('\n');
        var newLines = after["domains/a.example.yaml"].Split('\n');
        Assert.Equal(oldLines.Length, newLines.Length);
        var changed = Enumerable.Range(0, oldLines.Length).Where(i => oldLines[i] != newLines[i]).ToList();
        var line = Assert.Single(changed);
        Assert.Equal("  id: \"20230624214700\"  # bumped by PRs", oldLines[line]);
        Assert.Equal("  id: \"20261128204200\"  # bumped by PRs", newLines[line]);

        var pr = Assert.Single(_gh.Pulls());
        Assert.Equal("MTA-STS: bump id for a.example to 20261128204200", pr.Title);
        Assert.Equal((Branch, "main", "open"), (pr.Head, pr.Base, pr.State));
        Assert.Contains("```\n" + LivePolicy.TrimEnd('\n') + "\n```", pr.Body, StringComparison.Ordinal);
        Assert.Contains("```\n" + DeclaredPolicy.TrimEnd('\n') + "\n```", pr.Body, StringComparison.Ordinal);
        Assert.True(pr.Body.IndexOf("Publish the declared policy", StringComparison.Ordinal) < pr.Body.IndexOf("Then set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rerun_with_a_newer_proposed_id_changes_nothing()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);
        _gh.ResetCounters();

        var result = await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128210500")), false, default);

        Assert.Empty(result.Writes);
        Assert.Equal(0, _gh.WriteCount);
        Assert.Single(_gh.Pulls());
        Assert.Contains("20261128204200", _gh.FilesAt(Branch)["domains/a.example.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_killed_after_the_branch_but_before_the_PR_ends_with_one_branch_and_one_PR()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);
        var branchHead = _gh.CommitAt(Branch)!.Sha;
        _gh.ClosePullByHand(_gh.Pulls()[0].Number);
        _gh.State.Pulls.Clear();

        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);

        Assert.Single(_gh.BranchNames(), b => b.StartsWith("reconciler/", StringComparison.Ordinal));
        Assert.Equal(branchHead, _gh.CommitAt(Branch)!.Sha);
        Assert.Single(_gh.Pulls(), p => p.State == "open" && p.Head == Branch);
    }

    [Fact]
    public async Task Pre_created_branch_with_stale_content_is_reset_and_one_PR_opened()
    {
        _gh.CreateBranchAt(Branch, _sha);

        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);

        Assert.Contains("20261128204200", _gh.FilesAt(Branch)["domains/a.example.yaml"], StringComparison.Ordinal);
        Assert.Single(_gh.Pulls());
    }

    [Fact]
    public async Task Existing_PR_is_updated_in_place_when_the_declared_policy_changes()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")).With(policies: "policies/{domain}.txt"), false, default);
        var changed = Bump("20261128204200") is var p ? p with { MtaSts = p.MtaSts! with { DeclaredPolicy = DeclaredPolicy.Replace("604800", "1209600", StringComparison.Ordinal) } } : p;

        var result = await Reporter(_gh).ReportAsync(Input(_sha, changed).With(policies: "policies/{domain}.txt"), false, default);

        Assert.Contains(result.Actions, a => a.Verb == "update-branch");
        Assert.Contains(result.Actions, a => a.Verb == "update-pr");
        var pr = Assert.Single(_gh.Pulls());
        Assert.Contains("1209600", pr.Body, StringComparison.Ordinal);
        Assert.Contains("1209600", _gh.FilesAt(Branch)["policies/a.example.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Obsolete_PR_is_closed_with_a_comment()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);

        await Reporter(_gh).ReportAsync(Input(_sha, InSync("a.example")), false, default);

        var pr = Assert.Single(_gh.Pulls());
        Assert.Equal("closed", pr.State);
        Assert.Contains(_gh.CommentsOf(pr.Number), c => c.Body.Contains("no id bump is needed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_domain_keeps_its_PR_open()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);

        await Reporter(_gh).ReportAsync(Input(_sha, Unknown("a.example")), false, default);

        Assert.Equal("open", Assert.Single(_gh.Pulls()).State);
    }

    [Fact]
    public async Task Yml_domain_files_are_edited_too()
    {
        var sha = _gh.SeedBranch("main", new Dictionary<string, string>
        {
            ["domains/c.example.yml"] = "domain: c.example\r\nmta_sts: { mode: enforce, max_age: 86400, id: '2023' }\r\n",
        });

        await Reporter(_gh).ReportAsync(Input(sha, Bump("20261128204200", "c.example")), false, default);

        Assert.Equal("domain: c.example\r\nmta_sts: { mode: enforce, max_age: 86400, id: '20261128204200' }\r\n",
            _gh.FilesAt("reconciler/mta-sts-id/c.example")["domains/c.example.yml"]);
    }

    [Fact]
    public async Task Dry_run_lists_the_PR_actions_without_writing()
    {
        var result = await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), dryRun: true, default);

        Assert.Equal(0, _gh.WriteCount);
        Assert.Equal(["create-label", "create-issue", "update-file", "create-branch", "create-pr", "set-status"], result.Actions.Select(a => a.Verb));
        Assert.DoesNotContain(Branch, _gh.BranchNames());
    }

    [Fact]
    public async Task After_the_PR_is_merged_by_hand_the_next_in_sync_run_writes_nothing_but_the_status()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Bump("20261128204200")), false, default);
        _gh.MergePull(Assert.Single(_gh.Pulls()).Number);
        var merged = _gh.CommitAt("main")!.Sha;
        Assert.Contains("20261128204200", _gh.FilesAt("main")["domains/a.example.yaml"], StringComparison.Ordinal);
        _gh.ResetCounters();

        var result = await Reporter(_gh).ReportAsync(Input(merged, InSync("a.example"), InSync("b.example")), false, default);

        Assert.Equal(["comment", "close-issue", "set-status"], result.Actions.Select(a => a.Verb));
        Assert.True(Assert.Single(_gh.Pulls()).Merged);
    }

    [Fact]
    public async Task Racing_reporters_end_with_one_branch_and_one_PR()
    {
        var input = Input(_sha, Bump("20261128204200"));

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Reporter(_gh).ReportAsync(input, false, default)));

        Assert.All(results, r => Assert.Empty(r.Errors));
        Assert.Single(_gh.BranchNames(), b => b.StartsWith("reconciler/", StringComparison.Ordinal));
        Assert.Single(_gh.Pulls(), p => p.State == "open");
        Assert.Contains("20261128204200", _gh.FilesAt(Branch)["domains/a.example.yaml"], StringComparison.Ordinal);
    }
}
