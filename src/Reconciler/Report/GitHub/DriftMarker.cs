using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Reconciler.Plan;

namespace Reconciler.Report.GitHub;

/// <summary>The hidden first line of a drift issue and the fingerprint of a domain's findings.</summary>
public static class DriftMarker
{
    public const string Label = "mail-auth-drift";

    private static readonly Regex MarkerLine = new(
        @"^<!-- reconciler:drift (?<domain>[^\s>]+) fp=(?<fp>[0-9a-f]{16}) -->",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static string Title(string domain) => $"Mail-auth drift: {domain}";

    public static string Line(string domain, string fingerprint) => $"<!-- reconciler:drift {domain} fp={fingerprint} -->";

    /// <summary>The domain and fingerprint in an issue body's first line, or null when it carries no marker.</summary>
    public static (string Domain, string Fingerprint)? Parse(string? body)
    {
        var m = MarkerLine.Match(body ?? "");
        return m.Success ? (m.Groups["domain"].Value, m.Groups["fp"].Value) : null;
    }

    /// <summary>
    /// First 16 hex of SHA-256 over the sorted findings (check, kind, severity, name, expected, actual).
    /// Messages and fix steps (which carry time-based ids) are left out, so re-runs agree; so is the
    /// expected value of an <c>mta-sts-id</c> finding, which is the proposed id (the time of the run).
    /// </summary>
    public static string Fingerprint(IEnumerable<Finding> findings)
    {
        var lines = findings
            .Select(f => string.Join('\u001f', f.Check, f.Kind, f.Severity, f.Name,
                f.Check == Checks.MtaStsId ? "(proposed id)" : f.Expected ?? "\u2205", f.Actual ?? "\u2205"))
            .Order(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        return Convert.ToHexStringLower(hash)[..16];
    }
}
