using System.Text.Json.Serialization;
using Reconciler.Records;

namespace Reconciler.Plan;

public enum DomainStatus
{
    InSync,
    Drift,
    /// <summary>Could not be observed well enough to decide.</summary>
    Unknown,
    /// <summary>Its config is invalid.</summary>
    Invalid,
}

/// <summary>
/// The MTA-STS ids of a domain. <see cref="ProposedId"/> is set when the declared policy differs
/// from the published one while the declared id still equals the live one. The policy bodies feed
/// PR bodies and rendered files; they are not part of the JSON contract.
/// </summary>
public sealed record MtaStsIds(
    string? DeclaredId,
    string? LiveId,
    string? ProposedId,
    [property: JsonIgnore] string? DeclaredPolicy = null,
    [property: JsonIgnore] string? LivePolicy = null);

/// <summary>The plan for one domain: its status, findings, ids and fix steps in a safe order.</summary>
public sealed record DomainPlan(
    string Domain,
    DomainStatus Status,
    IReadOnlyList<Finding> Findings,
    MtaStsIds? MtaSts,
    IReadOnlyList<string> Fix)
{
    /// <summary>Only error and critical findings make drift; unreachable ones make the domain unknown.</summary>
    public static DomainStatus StatusOf(IReadOnlyList<Finding> findings)
    {
        if (findings.Any(f => f.Kind != FindingKind.Unreachable && f.Severity >= Severity.Error))
        {
            return DomainStatus.Drift;
        }

        return findings.Any(f => f.Kind == FindingKind.Unreachable && f.Severity >= Severity.Error)
            ? DomainStatus.Unknown
            : DomainStatus.InSync;
    }
}
