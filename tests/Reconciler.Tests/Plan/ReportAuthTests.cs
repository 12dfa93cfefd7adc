using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Plan;

namespace Reconciler.Tests.Plan;

public sealed class ReportAuthTests
{
    [Fact]
    public void An_external_destination_that_was_not_looked_up_is_undecided_never_passed_over()
    {
        var (spec, recorded) = GoldenCaseTests.LoadCase("dmarc-report-auth-unknown");
        var live = recorded with { DmarcReportAuth = new Dictionary<string, Observation<IReadOnlyList<string>>>() };

        var finding = Assert.Single(DmarcReportAuthDiff.Compare(spec, live));

        Assert.Equal(FindingKind.Unreachable, finding.Kind);
        Assert.Equal(Reconciler.Records.Severity.Warning, finding.Severity);
        Assert.Contains("was not looked up", finding.Message, StringComparison.Ordinal);
    }
}
