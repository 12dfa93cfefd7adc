using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Plan;

namespace Reconciler.Tests.Plan;

public sealed class NsConsistencyTests
{
    private static Finding Judge(params (string Server, string Answer)[] answers)
    {
        var live = GoldenCaseTests.LoadCase("ns-consistency-disagreement").Live with
        {
            NsDisagreements = [new NsDisagreement("d.example", "MX", answers.ToDictionary(a => a.Server, a => a.Answer))],
        };
        return Assert.Single(NsConsistencyDiff.Compare(live));
    }

    [Fact]
    public void A_server_that_could_not_be_asked_leaves_the_question_undecided()
    {
        var finding = Judge(("ns1", "MX 10 mx1.d.example"), ("ns2", "error: timeout asking server for d.example MX"));

        Assert.Equal(FindingKind.Unreachable, finding.Kind);
    }

    [Fact]
    public void Servers_that_answer_differently_disagree_even_when_another_could_not_be_asked()
    {
        var finding = Judge(("ns1", "MX 10 mx1.d.example"), ("ns2", "MX 10 mx2.d.example"), ("ns3", "error: timeout asking server for d.example MX"));

        Assert.Equal(FindingKind.Mismatch, finding.Kind);
    }
}
