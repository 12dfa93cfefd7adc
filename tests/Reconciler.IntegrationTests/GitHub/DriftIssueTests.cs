using Reconciler.Desired;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.Plan;
using Reconciler.Report.GitHub;
using static Reconciler.IntegrationTests.GitHub.GitHubTestKit;

namespace Reconciler.IntegrationTests.GitHub;

public sealed class DriftIssueTests : IClassFixture<FakeGitHubFixture>
{
    private readonly FakeGitHubServer _gh;
    private readonly string _sha;

    public DriftIssueTests(FakeGitHubFixture fixture)
    {
        _gh = fixture.Server;
        _gh.Reset();
        _sha = SeedConfig(_gh, "a.example", "b.example");
    }

    [Fact]
    public async Task Drift_creates_one_issue_with_marker_label_and_findings_table()
    {
        var result = await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example"), InSync("b.example")), dryRun: false, default);

        var issue = Assert.Single(_gh.Issues());
        Assert.Equal("Mail-auth drift: a.example", issue.Title);
        Assert.Equal("open", issue.State);
        Assert.Contains("mail-auth-drift", issue.Labels);
        Assert.True(_gh.HasLabel("mail-auth-drift"));
        var firstLine = issue.Body.Split('\n')[0];
        Assert.Matches("^<!-- reconciler:drift a\\.example fp=[0-9a-f]{16} -->$", firstLine);
        Assert.Contains("| check | severity | record | expected | actual | message |", issue.Body, StringComparison.Ordinal);
        Assert.Contains("```\n_dmarc.a.example. TXT \"v=DMARC1; p=reject\"\n```", issue.Body, StringComparison.Ordinal);
        Assert.Contains(result.Actions, a => a.Verb == "create-issue" && a.Target == "a.example");
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task Same_plan_twice_makes_zero_writes_and_few_reads_the_second_time()
    {
        var input = Input(_sha, Drift("a.example"), InSync("b.example"));
        await Reporter(_gh).ReportAsync(input, false, default);
        _gh.ResetCounters();

        var second = await Reporter(_gh).ReportAsync(input, false, default);

        Assert.Equal(0, _gh.WriteCount);
        Assert.Empty(second.Writes);
        Assert.InRange(_gh.Requests.Count, 1, 6);
        Assert.Single(_gh.Issues());
    }

    [Fact]
    public async Task Changed_fingerprint_edits_the_issue_in_place()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        var before = Assert.Single(_gh.Issues()).Body;

        var changed = Drift("a.example", Mismatch("a.example", actual: "v=DMARC1; p=quarantine"));
        var result = await Reporter(_gh).ReportAsync(Input(_sha, changed), false, default);

        var issue = Assert.Single(_gh.Issues());
        Assert.NotEqual(before.Split('\n')[0], issue.Body.Split('\n')[0]);
        Assert.Contains("quarantine", issue.Body, StringComparison.Ordinal);
        Assert.Contains(result.Actions, a => a.Verb == "edit-issue");
    }

    [Fact]
    public async Task Editing_keeps_labels_a_person_added()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        _gh.AddLabelByHand(Assert.Single(_gh.Issues()).Number, "team-mail");

        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example", Mismatch("a.example", actual: "v=DMARC1; p=quarantine"))), false, default);

        var issue = Assert.Single(_gh.Issues());
        Assert.Contains("quarantine", issue.Body, StringComparison.Ordinal);
        Assert.Equal(["mail-auth-drift", "team-mail"], issue.Labels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Message_only_change_keeps_the_fingerprint_and_writes_nothing()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        _gh.ResetCounters();
        var reworded = Drift("a.example", Mismatch("a.example") with { Message = "worded differently" });

        await Reporter(_gh).ReportAsync(Input(_sha, reworded), false, default);

        Assert.Equal(0, _gh.WriteCount);
    }

    [Fact]
    public async Task In_sync_again_closes_the_issue_with_a_comment()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);

        await Reporter(_gh).ReportAsync(Input(_sha, InSync("a.example")), false, default);

        var issue = Assert.Single(_gh.Issues());
        Assert.Equal("closed", issue.State);
        Assert.Contains(_gh.CommentsOf(issue.Number), c => c.Body.Contains("in sync", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drift_again_reopens_the_closed_issue_and_never_opens_a_second()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        await Reporter(_gh).ReportAsync(Input(_sha, InSync("a.example")), false, default);

        var result = await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example", Mismatch("a.example", actual: "v=DMARC1"))), false, default);

        var issue = Assert.Single(_gh.Issues());
        Assert.Equal("open", issue.State);
        Assert.Contains("v=DMARC1", issue.Body, StringComparison.Ordinal);
        Assert.Contains(result.Actions, a => a.Verb == "reopen-issue");
    }

    [Fact]
    public async Task Invalid_domain_keeps_its_issue_open_and_is_commented_once()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example"), InSync("b.example")), false, default);
        var invalid = Input(_sha, InSync("b.example")).With(invalid: [new InvalidDomain("a.example", "domains/a.example.yaml")], declared: ["b.example"]);

        await Reporter(_gh).ReportAsync(invalid, false, default);
        _gh.ResetCounters();
        await Reporter(_gh).ReportAsync(invalid, false, default);

        var issue = Assert.Single(_gh.Issues());
        Assert.Equal("open", issue.State);
        Assert.Single(_gh.CommentsOf(issue.Number), c => c.Body.Contains("invalid", StringComparison.Ordinal));
        Assert.Equal(0, _gh.WriteCount);
    }

    [Fact]
    public async Task Unknown_domain_leaves_its_issue_exactly_as_it_is()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        _gh.ResetCounters();

        await Reporter(_gh).ReportAsync(Input(_sha, Unknown("a.example")), false, default);

        Assert.Equal("open", Assert.Single(_gh.Issues()).State);
        Assert.Equal(1, _gh.WriteCount); // the commit status only
        Assert.Equal("error", _gh.StatusesOf(_sha)[^1].State);
        Assert.Equal("1 of 1 domain could not be checked", _gh.StatusesOf(_sha)[^1].Description);
    }

    [Fact]
    public async Task Domain_no_longer_declared_has_its_issue_closed_but_a_filtered_run_does_not()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example"), Drift("b.example")), false, default);

        await Reporter(_gh).ReportAsync(Input(_sha, Drift("b.example")).With(declared: ["a.example", "b.example"]), false, default);
        Assert.Equal(1, OpenIssuesFor(_gh, "a.example"));

        await Reporter(_gh).ReportAsync(Input(_sha, Drift("b.example")), false, default);
        Assert.Equal(0, OpenIssuesFor(_gh, "a.example"));
        var closed = _gh.Issues().Single(i => i.Title.EndsWith("a.example", StringComparison.Ordinal));
        Assert.Contains(_gh.CommentsOf(closed.Number), c => c.Body.Contains("no longer declared", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_open_issues_with_the_same_marker_keep_the_lowest()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        var first = Assert.Single(_gh.Issues());
        await Port(_gh).CreateIssueAsync(first.Title, first.Body, [DriftMarker.Label], default);

        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);

        var open = Assert.Single(_gh.OpenIssues());
        Assert.Equal(first.Number, open.Number);
        var dup = _gh.Issues().Single(i => i.Number != first.Number);
        Assert.Contains(_gh.CommentsOf(dup.Number), c => c.Body.Contains($"Duplicate of #{first.Number}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_reporters_at_once_leave_one_open_issue_per_domain()
    {
        var input = Input(_sha, Drift("a.example"), Drift("b.example"));

        await Task.WhenAll(
            Reporter(_gh).ReportAsync(input, false, default),
            Reporter(_gh).ReportAsync(input, false, default),
            Reporter(_gh).ReportAsync(input, false, default));

        Assert.Equal(1, OpenIssuesFor(_gh, "a.example"));
        Assert.Equal(1, OpenIssuesFor(_gh, "b.example"));
    }

    [Fact]
    public async Task Reporters_that_both_created_an_issue_close_the_higher_one_as_duplicate()
    {
        using var barrier = new Barrier(2);
        var input = Input(_sha, Drift("a.example"));

        var results = await Task.WhenAll(
            new GitHubReporter(BarrierPort.Create(Port(_gh), barrier)).ReportAsync(input, false, default),
            new GitHubReporter(BarrierPort.Create(Port(_gh), barrier)).ReportAsync(input, false, default));

        Assert.Equal(2, results.Count(r => r.Actions.Any(a => a.Verb == "create-issue")));
        var issues = _gh.Issues().OrderBy(i => i.Number).ToList();
        Assert.Equal(2, issues.Count);
        Assert.Equal(("open", "closed"), (issues[0].State, issues[1].State));
        Assert.Contains(_gh.CommentsOf(issues[1].Number), c => c.Body == $"Duplicate of #{issues[0].Number}.");
    }

    [Fact]
    public async Task A_pass_without_new_drift_reads_only_the_open_issues_and_new_drift_reads_the_closed_ones_once()
    {
        // History: three domains drifted and came back in sync (three closed issues, two pages of two).
        string[] settled = ["c.example", "d.example", "e.example"];
        await Reporter(_gh).ReportAsync(Input(_sha, [Drift("a.example"), .. settled.Select(d => Drift(d))]), false, default);
        await Reporter(_gh).ReportAsync(Input(_sha, [Drift("a.example"), .. settled.Select(InSync)]), false, default);
        Assert.Equal(3, _gh.Issues().Count(i => i.State == "closed"));
        _gh.ResetCounters();

        await Reporter(_gh).ReportAsync(Input(_sha, [Drift("a.example"), .. settled.Select(InSync)]), false, default);

        Assert.Equal(0, _gh.WriteCount);
        Assert.Equal(0, _gh.CountRequests("GET", "state=closed"));
        Assert.Equal(1, _gh.CountRequests("GET", "/issues?"));
        _gh.ResetCounters();

        var again = await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example"), Drift("c.example"), Drift("d.example"), InSync("e.example")), false, default);

        Assert.Equal(2, again.Actions.Count(a => a.Verb == "reopen-issue"));
        Assert.DoesNotContain(again.Actions, a => a.Verb == "create-issue");
        Assert.Equal(2, _gh.CountRequests("GET", "state=closed"));
        Assert.Equal(3, _gh.OpenIssues().Count);
    }

    [Fact]
    public async Task A_replica_that_reopens_an_issue_while_another_is_open_closes_it_again_as_duplicate()
    {
        // #1 is open; #2, a duplicate of it, was closed. A replica that listed the open issues before #1
        // was opened sees none, finds #2 among the closed ones and reopens it.
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        var first = Assert.Single(_gh.Issues());
        var second = await Port(_gh).CreateIssueAsync(first.Title, first.Body, [DriftMarker.Label], default);
        _gh.CloseIssueByHand(second.Number);

        var result = await new GitHubReporter(StaleListingPort.Create(Port(_gh))).ReportAsync(Input(_sha, Drift("a.example")), false, default);

        Assert.Contains(result.Actions, a => a.Verb == "reopen-issue" && a.Target == $"#{second.Number}");
        Assert.Equal(first.Number, Assert.Single(_gh.OpenIssues()).Number);
        Assert.Contains(_gh.CommentsOf(second.Number), c => c.Body == $"Duplicate of #{first.Number}.");
    }

    [Fact]
    public async Task Issue_deleted_by_hand_is_created_again_once()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        _gh.DeleteIssue(Assert.Single(_gh.Issues()).Number);

        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);

        Assert.Single(_gh.OpenIssues());
    }

    [Fact]
    public async Task Issue_closed_by_hand_while_still_drifting_is_reopened()
    {
        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);
        _gh.CloseIssueByHand(Assert.Single(_gh.Issues()).Number);

        await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);

        Assert.Equal("open", Assert.Single(_gh.Issues()).State);
    }

    [Fact]
    public async Task Hostile_live_values_render_inert_in_the_issue_body()
    {
        const string hostile = "| x | @org/team <img src=x> ``` [a](javascript:alert(1)) \r\n# head";
        var plan = Drift("a.example", Mismatch("a.example", actual: hostile)) with
        {
            Fix = [$"1. Publish:\n_dmarc.a.example. TXT \"{hostile}\""],
        };

        await Reporter(_gh).ReportAsync(Input(_sha, plan), false, default);

        var body = Assert.Single(_gh.Issues()).Body;
        var (prose, code) = MarkdownShape.Split(body);
        Assert.DoesNotContain("<img", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("@org/team", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("](javascript", prose, StringComparison.Ordinal);
        Assert.Contains("@org/team <img src=x> ``` [a](javascript:alert(1))", code, StringComparison.Ordinal);
        var row = body.Split('\n').Single(l => l.Contains("img", StringComparison.Ordinal) && l.StartsWith('|'));
        Assert.Equal(7, row.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
        Assert.Contains("````\n_dmarc.a.example. TXT", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_status_is_set_once_and_not_reposted()
    {
        var input = Input(_sha, Drift("a.example"), InSync("b.example"));

        await Reporter(_gh).ReportAsync(input, false, default);
        await Reporter(_gh).ReportAsync(input, false, default);

        var status = Assert.Single(_gh.StatusesOf(_sha));
        Assert.Equal(("failure", "reconciler/mail-auth", "1 of 2 domains drift"), (status.State, status.Context, status.Description));

        await Reporter(_gh).ReportAsync(Input(_sha, InSync("a.example"), InSync("b.example")), false, default);
        Assert.Equal("2 domains in sync", _gh.StatusesOf(_sha)[^1].Description);
        Assert.Equal("success", _gh.StatusesOf(_sha)[^1].State);
    }

    [Fact]
    public async Task Dry_run_makes_zero_writes_and_lists_the_actions()
    {
        var result = await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example"), InSync("b.example")), dryRun: true, default);

        Assert.Equal(0, _gh.WriteCount);
        Assert.Empty(_gh.Issues());
        Assert.Equal(["create-label", "create-issue", "set-status"], result.Actions.Select(a => a.Verb));
    }

    [Fact]
    public async Task A_validation_failure_is_reported_clearly_and_not_retried()
    {
        _gh.InjectFault("POST", "/issues", 1, FaultKind.Validation);

        var result = await Reporter(_gh).ReportAsync(Input(_sha, Drift("a.example")), false, default);

        var error = Assert.Single(result.Errors);
        Assert.Contains("422", error.Detail, StringComparison.Ordinal);
        Assert.Contains("Validation Failed", error.Detail, StringComparison.Ordinal);
        Assert.Contains("injected validation failure", error.Detail, StringComparison.Ordinal);
        Assert.Equal(1, _gh.CountRequests("POST", $"/repos/{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}/issues"));
        Assert.Single(_gh.StatusesOf(_sha));
    }
}
