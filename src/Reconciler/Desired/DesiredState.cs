namespace Reconciler.Desired;

/// <summary>
/// Everything read from a config repository. A domain whose file has errors is listed in
/// <see cref="Invalid"/> (never silently dropped: it must not look "removed").
/// </summary>
public sealed record DesiredState(
    IReadOnlyList<DomainSpec> Domains,
    IReadOnlyList<InvalidDomain> Invalid,
    IReadOnlyList<Diagnostic> Diagnostics,
    RenderSettings Render)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity >= Records.Severity.Error);
}

/// <summary>A domain file that failed validation; <see cref="Domain"/> comes from the file name.</summary>
public sealed record InvalidDomain(string Domain, string File);
