using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>One difference between the declaration and what is live.</summary>
public sealed record Finding(
    string Check,
    FindingKind Kind,
    Severity Severity,
    string Name,
    string? Expected,
    string? Actual,
    string Message);

public enum FindingKind
{
    Missing,
    Mismatch,
    /// <summary>The live value breaks its RFC.</summary>
    Invalid,
    /// <summary>Present but declared absent.</summary>
    Unexpected,
    /// <summary>Not decided: timeout, SERVFAIL, connection failure.</summary>
    Unreachable,
}

/// <summary>The check codes of the contract.</summary>
public static class Checks
{
    public const string Mx = "mx";
    public const string MtaStsTxt = "mta-sts-txt";
    public const string MtaStsPolicy = "mta-sts-policy";
    public const string MtaStsId = "mta-sts-id";
    public const string MtaStsMxCoverage = "mta-sts-mx-coverage";
    public const string TlsRpt = "tls-rpt";
    public const string Spf = "spf";
    public const string Dmarc = "dmarc";
    public const string DmarcReportAuth = "dmarc-report-auth";
    public const string Dkim = "dkim";
    public const string Dane = "dane";
    public const string NsConsistency = "ns-consistency";

    /// <summary>
    /// Not a record check: the domain's config file is invalid (status <c>invalid</c>). Not in
    /// <see cref="All"/>, which lists the checks made against live state.
    /// </summary>
    public const string Config = "config";

    public static IReadOnlyList<string> All { get; } =
        [Mx, MtaStsTxt, MtaStsPolicy, MtaStsId, MtaStsMxCoverage, TlsRpt, Spf, Dmarc, DmarcReportAuth, Dkim, Dane, NsConsistency];
}
