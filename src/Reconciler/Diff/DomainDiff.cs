using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;

namespace Reconciler.Diff;

/// <summary>
/// Compares one domain's declared state with what is live, check by check. Pure: no I/O, no clock.
/// Unknown observations give <c>unreachable</c> findings and never a missing or unexpected conclusion.
/// </summary>
public static class DomainDiff
{
    public static IReadOnlyList<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        return Compare(new DomainFacts(spec, live));
    }

    /// <summary>As <see cref="Compare(DomainSpec, LiveDomain)"/>, sharing what the checks derive through <paramref name="facts"/>.</summary>
    internal static List<Finding> Compare(DomainFacts facts)
    {
        var spec = facts.Spec;
        var live = facts.Live;
        var findings = new List<Finding>();
        findings.AddRange(MxDiff.Compare(spec, live));
        findings.AddRange(MtaStsTxtDiff.Compare(facts));
        findings.AddRange(MtaStsPolicyDiff.Compare(facts));
        findings.AddRange(MtaStsIdDiff.Compare(facts));
        findings.AddRange(MtaStsCoverageDiff.Compare(facts));
        findings.AddRange(TlsRptDiff.Compare(spec, live));
        findings.AddRange(SpfDiff.Compare(spec, live));
        findings.AddRange(DmarcDiff.Compare(spec, live));
        findings.AddRange(DmarcReportAuthDiff.Compare(spec, live));
        findings.AddRange(DkimDiff.Compare(spec, live));
        findings.AddRange(DaneDiff.Compare(spec, live));
        findings.AddRange(NsConsistencyDiff.Compare(live));
        return findings;
    }
}
