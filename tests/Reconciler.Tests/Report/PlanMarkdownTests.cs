using Reconciler.Desired;
using Reconciler.Plan;
using Reconciler.Records;
using Reconciler.Report.GitHub;
using Reconciler.Report.Markdown;

namespace Reconciler.Tests.Report;

public sealed class PlanMarkdownTests
{
    private static Finding F(int i, string actual = "v=DMARC1; p=none") =>
        new(Checks.Dmarc, FindingKind.Mismatch, Severity.Error, $"_dmarc{i}.example.com", "v=DMARC1; p=reject", actual, "differs");

    [Fact]
    public void Domain_section_has_status_table_and_fix_blocks()
    {
        var plan = new DomainPlan("example.com", DomainStatus.Drift, [F(1)], new MtaStsIds("1", "1", "2"),
            ["1. Publish the policy first", "2. Then set _mta-sts.example.com. TXT \"v=STSv1; id=2\"", "3. Add:\nexample.com. MX 10 mx.example.com."]);

        var md = PlanMarkdown.Domain(plan);

        Assert.Contains("Status: **drift**", md, StringComparison.Ordinal);
        Assert.Contains("| check | severity | record | expected | actual | message |", md, StringComparison.Ordinal);
        Assert.Contains("| dmarc (mismatch) | error |", md, StringComparison.Ordinal);
        Assert.Contains("```\n_mta-sts.example.com. TXT \"v=STSv1; id=2\"\n```", md, StringComparison.Ordinal);
        Assert.Contains("```\nexample.com. MX 10 mx.example.com.\n```", md, StringComparison.Ordinal);
        Assert.True(md.IndexOf("Publish", StringComparison.Ordinal) < md.IndexOf("Then set", StringComparison.Ordinal));
    }

    [Fact]
    public void Split_TXT_strings_stay_intact_in_their_code_block()
    {
        var split = "\"" + new string('a', 255) + "\" \"" + new string('b', 100) + "\"";
        var plan = new DomainPlan("example.com", DomainStatus.Drift, [F(1)], null, [$"1. Publish:\ns1._domainkey.example.com. TXT {split}"]);

        Assert.Contains($"TXT {split}\n```", PlanMarkdown.Domain(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_plans_are_summarised_under_the_issue_limit()
    {
        var findings = Enumerable.Range(0, 2000).Select(i => F(i, new string('x', 250))).ToList();
        var plan = new DomainPlan("example.com", DomainStatus.Drift, findings, null, []);

        var body = IssueReporter.Body(plan, DriftMarker.Fingerprint(findings));

        Assert.True(body.Length <= PlanMarkdown.MaxBodyLength, $"{body.Length}");
        Assert.Matches(@"and \d+ more findings", body);
    }

    [Fact]
    public void Report_lists_every_domain_including_invalid_ones()
    {
        var plan = ReconcilePlan.Of([
            new DomainPlan("b.example", DomainStatus.InSync, [], null, []),
            new DomainPlan("a.example", DomainStatus.Drift, [F(1)], null, []),
        ]);

        var md = PlanMarkdown.Report(plan, [new InvalidDomain("c.example", "domains/c.example.yaml")]);

        Assert.Contains("| a.example | drift | 1 |", md, StringComparison.Ordinal);
        Assert.Contains("| b.example | in-sync | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("| c.example | invalid |", md, StringComparison.Ordinal);
        Assert.Contains("## a.example", md, StringComparison.Ordinal);
        Assert.DoesNotContain("## b.example", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_shaped_steps_keep_records_and_policies_in_code_and_prose_outside()
    {
        const string txt = "_mta-sts.example.com.\t3600\tIN\tTXT\t\"v=STSv1; id=20261128204200\"";
        var steps = new[]
        {
            "1. Publish this policy at https://mta-sts.example.com/.well-known/mta-sts.txt (status 200):\n\nversion: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800",
            $"2. Then, once the new policy is served from every address, set the _mta-sts TXT record:\n{txt}\nand set id: \"20261128204200\" under mta_sts in domains/example.com.yaml (the reconciler's pull request does this).",
        };
        var sb = new System.Text.StringBuilder();

        foreach (var step in steps)
        {
            PlanMarkdown.AppendStep(sb, step);
        }

        var md = sb.ToString();
        Assert.Contains("```\nversion: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n```", md, StringComparison.Ordinal);
        Assert.Contains($"```\n{txt}\n```\n\nand set id\\: ", md, StringComparison.Ordinal);
    }
}
