using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>
/// The names the plan contract gives its enums (<c>schemas/plan.schema.json</c>): kebab-case, as in the
/// JSON, the text and Markdown reports and the metrics labels. One place, so they cannot drift apart.
/// </summary>
public static class ContractNames
{
    public static string Of(DomainStatus status) => status switch
    {
        DomainStatus.InSync => "in-sync",
        DomainStatus.Drift => "drift",
        DomainStatus.Unknown => "unknown",
        DomainStatus.Invalid => "invalid",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string Of(FindingKind kind) => kind switch
    {
        FindingKind.Missing => "missing",
        FindingKind.Mismatch => "mismatch",
        FindingKind.Invalid => "invalid",
        FindingKind.Unexpected => "unexpected",
        FindingKind.Unreachable => "unreachable",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Of(Severity severity) => severity switch
    {
        Severity.Warning => "warning",
        Severity.Error => "error",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };
}
