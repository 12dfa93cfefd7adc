using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>
/// One domain's declared state after defaults were merged and every value validated and normalised
/// (names lower-case A-labels without trailing dot). A null section is not managed.
/// </summary>
public sealed record DomainSpec(
    string Domain,
    string File,
    IReadOnlyList<MxRecord>? Mx,
    MtaStsSpec? MtaSts,
    TlsRptSpec? TlsRpt,
    string? Spf,
    DmarcSpec? Dmarc,
    IReadOnlyDictionary<string, DkimSpec>? Dkim,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Dane);

/// <summary>
/// The declared MTA-STS policy. <see cref="MxPatterns"/> holds the declared patterns, or the hosts
/// under <c>mx</c> when none were declared (<see cref="PatternsDeclared"/> false).
/// </summary>
public sealed record MtaStsSpec(MtaStsMode Mode, long MaxAge, IReadOnlyList<string> MxPatterns, bool PatternsDeclared, string Id);

/// <summary>TLS-RPT report destinations (<c>mailto:</c> or <c>https:</c> URIs) in declared order.</summary>
public sealed record TlsRptSpec(IReadOnlyList<string> Rua);

/// <summary>
/// Declared DMARC tags (lower-case tag names; list values such as <c>rua</c> joined with ",").
/// </summary>
public sealed record DmarcSpec(IReadOnlyDictionary<string, string> Tags)
{
    private static readonly string[] Order = ["p", "sp", "np", "psd", "t", "adkim", "aspf", "pct", "fo", "rf", "ri", "rua", "ruf"];

    /// <summary>The TXT value to publish at <c>_dmarc</c>: <c>v=DMARC1</c> first, tags in a fixed order.</summary>
    public string ToRecordText()
    {
        var parts = new List<string> { "v=DMARC1" };
        parts.AddRange(Order.Where(Tags.ContainsKey).Select(t => $"{t}={Tags[t]}"));
        parts.AddRange(Tags.Keys.Where(t => !Order.Contains(t)).Order(StringComparer.Ordinal).Select(t => $"{t}={Tags[t]}"));
        return string.Join("; ", parts);
    }
}

/// <summary>
/// One DKIM selector: exactly one of <see cref="Cname"/> (a delegation target), <see cref="Key"/>
/// (the TXT value as written) or <see cref="Absent"/> (declared removed: nothing may be published).
/// </summary>
public sealed record DkimSpec(string? Cname, string? Key, bool Absent);
