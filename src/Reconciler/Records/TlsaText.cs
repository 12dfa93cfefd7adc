using System.Globalization;

namespace Reconciler.Records;

/// <summary>TLSA presentation form <c>usage selector matching-type hex</c> (RFC 6698 §2, RFC 7672 §3.1).</summary>
public static class TlsaText
{
    public const string Rule = "RFC 6698 §2.1";
    public const string DaneSmtpRule = "RFC 7672 §3.1.3";

    private static readonly char[] Separators = [' ', '\t', '\r', '\n'];
    private static readonly string[] Usages = ["PKIX-TA", "PKIX-EE", "DANE-TA", "DANE-EE"];
    private static readonly string[] Selectors = ["CERT", "SPKI"];
    private static readonly string[] MatchingTypes = ["FULL", "SHA2-256", "SHA2-512"];
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static ParseResult<TlsaRecord> Parse(string text)
    {
        var problems = new List<RecordProblem>();
        var parts = (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4)
        {
            return ParseResult<TlsaRecord>.Failure(Rule, "expected 'usage selector matching-type data', e.g. '3 1 1 <sha-256 hex>'");
        }

        var usage = Field(parts[0], "usage", 3, Usages, "RFC 6698 §2.1.1", problems);
        var selector = Field(parts[1], "selector", 1, Selectors, "RFC 6698 §2.1.2", problems);
        var matching = Field(parts[2], "matching type", 2, MatchingTypes, "RFC 6698 §2.1.3", problems);
        var hex = (parts.Length == 4 ? parts[3] : string.Concat(parts[3..])).ToLowerInvariant();
        if (hex.Length == 0 || hex.Length % 2 != 0 || hex.AsSpan().ContainsAnyExcept(HexDigits))
        {
            problems.Add(new(Severity.Error, "RFC 6698 §2.2", "the certificate association data must be an even number of hex digits"));
        }
        else if (matching is 1 or 2 && hex.Length / 2 != (matching == 1 ? 32 : 64))
        {
            problems.Add(new(Severity.Error, "RFC 6698 §2.1.3",
                $"matching type {matching} needs {(matching == 1 ? 32 : 64)} bytes of data, got {hex.Length / 2}"));
        }

        if (usage is 0 or 1)
        {
            problems.Add(new(Severity.Warning, DaneSmtpRule,
                $"usage {usage} (PKIX-{(usage == 0 ? "TA" : "EE")}) is not used by DANE for SMTP; use 2 (DANE-TA) or 3 (DANE-EE)"));
        }

        var failed = problems.Any(p => p.Severity >= Severity.Error);
        return new(failed ? null : new TlsaRecord(usage!.Value, selector!.Value, matching!.Value, hex), problems);
    }

    /// <summary><c>3 1 1 &lt;lower-case hex&gt;</c>.</summary>
    public static string Render(TlsaRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return string.Create(CultureInfo.InvariantCulture, $"{r.Usage} {r.Selector} {r.MatchingType} {r.Data.ToLowerInvariant()}");
    }

    private static byte? Field(string text, string name, int max, string[] mnemonics, string rule, List<RecordProblem> problems)
    {
        if (text.Length <= 3 && !text.AsSpan().ContainsAnyExceptInRange('0', '9') && int.Parse(text, CultureInfo.InvariantCulture) is var n && n <= max)
        {
            return (byte)n;
        }

        var index = Array.FindIndex(mnemonics, m => string.Equals(m, text, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            return (byte)index;
        }

        problems.Add(new(Severity.Error, rule, $"{name} '{text}' must be 0-{max}"));
        return null;
    }
}
