using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Plan.Output;

namespace Reconciler.Tests.Plan;

public sealed class ReportAuthTests
{
    [Fact]
    public void An_external_destination_that_was_not_looked_up_is_undecided_never_passed_over()
    {
        var dir = Path.Combine(GoldenCaseTests.CasesDir(), "dmarc-report-auth-unknown");
        var spec = GoldenCaseTests.LoadSpec(Path.Combine(dir, "desired.yaml"));
        var live = PlanJson.ReadLive(File.ReadAllText(Path.Combine(dir, "live.json")))! with
        {
            DmarcReportAuth = new Dictionary<string, Observation<IReadOnlyList<string>>>(),
        };

        var finding = Assert.Single(DmarcReportAuthDiff.Compare(spec, live));

        Assert.Equal(FindingKind.Unreachable, finding.Kind);
        Assert.Equal(Reconciler.Records.Severity.Warning, finding.Severity);
        Assert.Contains("was not looked up", finding.Message, StringComparison.Ordinal);
    }
}
