using Reconciler.Desired;
using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>
/// Turns one domain's findings into its plan: status, MTA-STS ids (with a proposed id when the policy
/// changes without a new one) and the fix steps. Pure: the clock comes from the <see cref="TimeProvider"/>.
/// </summary>
public static class Planner
{
    public static DomainPlan Plan(DomainSpec spec, LiveDomain live, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(time);
        // Parsed once for every check and fix step of this domain.
        var facts = new DomainFacts(spec, live);
        IReadOnlyList<Finding> findings = DomainDiff.Compare(facts);
        MtaStsIds? ids = null;
        if (spec.MtaSts is { } sts)
        {
            var state = facts.MtaSts;
            string? proposed = null;
            if (HasIdFinding(findings))
            {
                proposed = MtaStsIdBump.Propose(time, sts.Id, state.TxtId);
                findings = findings.Select(f => f.Check == Checks.MtaStsId
                    ? f with { Expected = proposed, Message = $"{f.Message}; proposed id {proposed}" }
                    : f).ToList();
            }

            ids = new MtaStsIds(sts.Id, state.TxtId, proposed, facts.DeclaredPolicyText, state.PolicyBody);
        }

        return new DomainPlan(spec.Domain, DomainPlan.StatusOf(findings), findings, ids, FixSteps.For(facts, findings, ids));
    }

    private static bool HasIdFinding(IReadOnlyList<Finding> findings)
    {
        foreach (var f in findings)
        {
            if (f.Check == Checks.MtaStsId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The plan of a domain whose file failed validation: status invalid, one finding pointing at the file.</summary>
    public static DomainPlan Invalid(InvalidDomain invalid)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        var finding = new Finding(Checks.Config, FindingKind.Invalid, Severity.Error, invalid.File, null, null,
            $"{invalid.File} is invalid, so {invalid.Domain} was not checked (nothing of it is concluded missing or removed); " +
            "run 'reconciler validate' for each error with its line and column");
        return new DomainPlan(invalid.Domain, DomainStatus.Invalid, [finding], null,
            [$"1. Fix {invalid.File} (see 'reconciler validate'), then run the plan again."]);
    }
}
