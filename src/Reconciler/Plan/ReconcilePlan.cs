using System.Text.Json.Serialization;

namespace Reconciler.Plan;

public sealed record PlanSummary(int Domains, int InSync, int Drift, int Unknown, int Invalid);

/// <summary>The whole plan: one entry per domain, sorted by name.</summary>
public sealed record ReconcilePlan(int Version, IReadOnlyList<DomainPlan> Domains, PlanSummary Summary)
{
    public static ReconcilePlan Of(IEnumerable<DomainPlan> domains)
    {
        var sorted = domains.OrderBy(d => d.Domain, StringComparer.Ordinal).ToList();
        return new ReconcilePlan(1, sorted, new PlanSummary(
            sorted.Count,
            sorted.Count(d => d.Status == DomainStatus.InSync),
            sorted.Count(d => d.Status == DomainStatus.Drift),
            sorted.Count(d => d.Status == DomainStatus.Unknown),
            sorted.Count(d => d.Status == DomainStatus.Invalid)));
    }

    /// <summary>0 in sync; 2 drift found; 1 anything undecided or invalid (it takes precedence). For the process, not the JSON contract.</summary>
    [JsonIgnore]
    public int ExitCode =>
        Summary.Unknown > 0 || Summary.Invalid > 0 ? 1 : Summary.Drift > 0 ? 2 : 0;
}
