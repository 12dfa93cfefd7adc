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
        return
        [
            .. MxDiff.Compare(spec, live),
            .. MtaStsTxtDiff.Compare(spec, live),
            .. MtaStsPolicyDiff.Compare(spec, live),
            .. MtaStsIdDiff.Compare(spec, live),
            .. MtaStsCoverageDiff.Compare(spec, live),
            .. TlsRptDiff.Compare(spec, live),
            .. SpfDiff.Compare(spec, live),
            .. DmarcDiff.Compare(spec, live),
            .. DmarcReportAuthDiff.Compare(spec, live),
            .. DkimDiff.Compare(spec, live),
            .. DaneDiff.Compare(spec, live),
            .. NsConsistencyDiff.Compare(live),
        ];
    }
}
