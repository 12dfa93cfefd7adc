using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>mta-sts-id</c> guardrail: the id must change whenever the policy senders fetch changes, and
/// must never go backwards. The finding's <see cref="Finding.Expected"/> is filled by the planner with
/// the proposed id.
/// </summary>
public static class MtaStsIdDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live) => Compare(new DomainFacts(spec, live));

    internal static IEnumerable<Finding> Compare(DomainFacts facts)
    {
        var spec = facts.Spec;
        if (spec.MtaSts is null)
        {
            yield break;
        }

        var state = facts.MtaSts;
        if (state.TxtId is not { } liveId)
        {
            yield break;
        }

        var name = $"_mta-sts.{spec.Domain}";
        var declaredId = spec.MtaSts.Id;
        if (string.Equals(declaredId, liveId, StringComparison.Ordinal) && state.Policy is not null && !facts.DeclaredEqualsLive)
        {
            yield return new Finding(Checks.MtaStsId, FindingKind.Mismatch, Severity.Critical, name, null, liveId,
                $"the declared policy differs from the published one but the id is still {liveId}: senders keep the policy they cached " +
                $"for up to {state.Policy!.MaxAge} seconds unless the id changes (RFC 8461 §3.1)");
        }
        else if (MtaStsIdBump.IsNumeric(declaredId) && MtaStsIdBump.IsNumeric(liveId) && MtaStsIdBump.Compare(declaredId, liveId) < 0)
        {
            yield return new Finding(Checks.MtaStsId, FindingKind.Mismatch, Severity.Critical, name, null, liveId,
                $"the declared id {declaredId} is lower than the live id {liveId}: an id must never go backwards or be reused, " +
                "or senders may keep a cached policy that no longer matches");
        }
    }
}
