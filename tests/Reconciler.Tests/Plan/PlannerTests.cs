using Reconciler.Desired;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Tests.Plan;

public sealed class PlannerTests
{
    private static readonly string[] PureFolders = ["Diff", "Plan"];

    [Fact]
    public void An_invalid_domain_has_status_invalid_and_one_finding_pointing_at_its_file()
    {
        var plan = Planner.Invalid(new InvalidDomain("bad.example", "domains/bad.example.yaml"));
        Assert.Equal(DomainStatus.Invalid, plan.Status);
        var finding = Assert.Single(plan.Findings);
        Assert.Equal(Checks.Config, finding.Check);
        Assert.Equal(FindingKind.Invalid, finding.Kind);
        Assert.Equal("domains/bad.example.yaml", finding.Name);
        Assert.Null(plan.MtaSts);
        Assert.Equal(1, ReconcilePlan.Of([plan]).ExitCode);
    }

    [Fact]
    public void The_id_bump_carries_both_policy_bodies()
    {
        var dir = Path.Combine(GoldenCaseTests.CasesDir(), "mta-sts-id-bump-policy-changed");
        var plan = GoldenCaseTests.PlanCase(dir);
        Assert.Equal("20261128204200", plan.MtaSts!.ProposedId);
        Assert.Equal("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 604800\r\n", plan.MtaSts.DeclaredPolicy);
        Assert.Contains("mode: testing", plan.MtaSts.LivePolicy, StringComparison.Ordinal);
        var id = Assert.Single(plan.Findings, f => f.Check == Checks.MtaStsId);
        Assert.Equal(Severity.Critical, id.Severity);
        Assert.Equal("20261128204200", id.Expected);
    }

    [Fact]
    public void Fix_steps_publish_the_policy_before_the_id_and_new_mx_last()
    {
        var plan = GoldenCaseTests.PlanCase(Path.Combine(GoldenCaseTests.CasesDir(), "mta-sts-mx-added-safe-order"));
        var policy = plan.Fix.ToList().FindIndex(s => s.Contains("Publish this policy", StringComparison.Ordinal));
        var txt = plan.Fix.ToList().FindIndex(s => s.Contains("_mta-sts.example.com.\t3600\tIN\tTXT", StringComparison.Ordinal));
        var mx = plan.Fix.ToList().FindIndex(s => s.Contains("IN\tMX\t30 mx3.example.com.", StringComparison.Ordinal));
        Assert.True(policy >= 0 && policy < txt && txt < mx, string.Join("\n", plan.Fix));
        Assert.Contains("mx: mx3.example.com\r\n", plan.Fix[policy], StringComparison.Ordinal);
        Assert.All(plan.Fix.Select((s, i) => (s, i)), p => Assert.StartsWith($"{p.i + 1}. ", p.s, StringComparison.Ordinal));
    }

    [Fact]
    public void Fix_steps_remove_an_mx_before_the_policy_drops_it()
    {
        var plan = GoldenCaseTests.PlanCase(Path.Combine(GoldenCaseTests.CasesDir(), "mta-sts-mx-removed-safe-order"));
        var removal = plan.Fix.ToList().FindIndex(s => s.Contains("Remove these MX records", StringComparison.Ordinal));
        var policy = plan.Fix.ToList().FindIndex(s => s.Contains("Publish this policy", StringComparison.Ordinal));
        Assert.True(removal >= 0 && removal < policy, string.Join("\n", plan.Fix));
    }

    [Fact]
    public void Retiring_publishes_mode_none_and_never_asks_for_deletion_first()
    {
        var plan = GoldenCaseTests.PlanCase(Path.Combine(GoldenCaseTests.CasesDir(), "mta-sts-retire-mode-none"));
        var step = Assert.Single(plan.Fix, s => s.Contains("mode: none", StringComparison.Ordinal));
        Assert.Contains("not by deletion", step, StringComparison.Ordinal);
        Assert.Contains("604800 seconds", step, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_dkim_key_is_shown_split_with_the_cname_hop_alternative()
    {
        var plan = GoldenCaseTests.PlanCase(Path.Combine(GoldenCaseTests.CasesDir(), "dkim-key-missing-long-txt"));
        var step = Assert.Single(plan.Fix);
        Assert.Contains("\" \"", step, StringComparison.Ordinal);
        Assert.Contains("IN\tCNAME\t", step, StringComparison.Ordinal);
        Assert.All(step.Split('"').Where((_, i) => i % 2 == 1), s => Assert.True(s.Length <= 255));
    }

    [Fact]
    public void Planning_reads_no_wall_clock()
    {
        var root = Path.Combine(GoldenCaseTests.RepoRoot(), "src", "Reconciler");
        var offenders = PureFolders
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("DateTime.Now", StringComparison.Ordinal) ||
                text.Contains("DateTime.UtcNow", StringComparison.Ordinal) || text.Contains("DateTimeOffset.Now", StringComparison.Ordinal) ||
                text.Contains("DateTimeOffset.UtcNow", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offenders);
    }
}
