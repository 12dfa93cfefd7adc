using System.Globalization;

namespace Reconciler.Records;

/// <summary>The MTA-STS policy file served at <c>/.well-known/mta-sts.txt</c>, RFC 8461 §3.2.</summary>
public sealed record MtaStsPolicy(MtaStsMode Mode, long MaxAge, IReadOnlyList<string> Mx)
{
    public const string Rule = "RFC 8461 §3.2";

    /// <summary>The largest allowed max_age: 31557600 seconds (about one year).</summary>
    public const long MaxMaxAge = 31557600;

    public static ParseResult<MtaStsPolicy> Parse(string body)
    {
        var problems = new List<RecordProblem>();
        if (string.IsNullOrEmpty(body))
        {
            return ParseResult<MtaStsPolicy>.Failure(Rule, "the policy is empty");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var mx = new List<string>();
        var badMx = 0;
        var lineCount = body.AsSpan().Count('\n') + 1;
        var number = 0;
        foreach (var range in body.AsSpan().Split('\n'))
        {
            number++;
            var line = body.AsSpan(range);
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            if (line.Length == 0)
            {
                if (number < lineCount)
                {
                    problems.Add(new(Severity.Warning, Rule, $"line {number} is empty"));
                }

                continue;
            }

            if (line.Contains('\r'))
            {
                problems.Add(new(Severity.Error, Rule, $"line {number} has a CR not followed by LF; lines end in LF or CRLF"));
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                problems.Add(new(Severity.Error, Rule, $"line {number} is not of the form 'key: value'"));
                continue;
            }

            var key = line[..colon].ToString();
            var value = line[(colon + 1)..].Trim(" \t").ToString();
            if (!IsFieldName(key))
            {
                problems.Add(new(Severity.Error, Rule,
                    $"line {number}: '{key}' is not a valid field name (a letter or digit, then up to 31 letters, digits, '_', '-' or '.')"));
                continue;
            }

            if (key == "mx")
            {
                if (MxPattern.TryNormalize(value, out var pattern, out var error))
                {
                    mx.Add(pattern);
                }
                else
                {
                    badMx++;
                    problems.Add(new(Severity.Error, Rule, $"line {number}: {error}"));
                }
            }
            else if (!fields.TryAdd(key, value))
            {
                problems.Add(new(Severity.Warning, Rule, $"line {number}: field '{key}' appears again; the first one is used"));
            }
        }

        if (!fields.TryGetValue("version", out var version))
        {
            problems.Add(new(Severity.Error, Rule, "the 'version: STSv1' field is required"));
        }
        else if (version != "STSv1")
        {
            problems.Add(new(Severity.Error, Rule, $"version '{version}' is not 'STSv1'"));
        }

        MtaStsMode? mode = null;
        if (!fields.TryGetValue("mode", out var modeText))
        {
            problems.Add(new(Severity.Error, Rule, "the 'mode' field is required (enforce, testing or none)"));
        }
        else
        {
            mode = ParseMode(modeText);
            if (mode is null)
            {
                problems.Add(new(Severity.Error, Rule, $"mode '{modeText}' is not one of enforce, testing, none (lower-case)"));
            }
        }

        long? maxAge = null;
        if (!fields.TryGetValue("max_age", out var ageText))
        {
            problems.Add(new(Severity.Error, Rule, "the 'max_age' field is required"));
        }
        else if (ageText.Length is 0 or > 10 || ageText.AsSpan().ContainsAnyExcept(Digits))
        {
            problems.Add(new(Severity.Error, Rule, $"max_age '{ageText}' must be 1 to 10 digits"));
        }
        else
        {
            var age = long.Parse(ageText, NumberStyles.None, CultureInfo.InvariantCulture);
            if (age > MaxMaxAge)
            {
                problems.Add(new(Severity.Error, Rule, $"max_age {age} exceeds the maximum of {MaxMaxAge}"));
            }
            else
            {
                maxAge = age;
            }
        }

        if (mode is MtaStsMode.Enforce or MtaStsMode.Testing && mx.Count == 0 && badMx == 0)
        {
            problems.Add(new(Severity.Error, Rule, $"at least one 'mx' field is required in mode {RenderMode(mode.Value)}"));
        }

        var failed = problems.Any(p => p.Severity >= Severity.Error);
        return new(failed || mode is null || maxAge is null ? null : new MtaStsPolicy(mode.Value, maxAge.Value, mx), problems);
    }

    /// <summary>Canonical form with CRLF line ends: version, mode, each mx, max_age.</summary>
    public string Render()
    {
        var b = new System.Text.StringBuilder();
        b.Append("version: STSv1\r\n");
        b.Append("mode: ").Append(RenderMode(Mode)).Append("\r\n");
        foreach (var m in Mx)
        {
            b.Append("mx: ").Append(m).Append("\r\n");
        }

        b.Append("max_age: ").Append(MaxAge.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        return b.ToString();
    }

    /// <summary>
    /// Same mode and max_age, and the same mx patterns as a case-insensitive set (trailing dots ignored).
    /// In mode none the patterns have no effect on senders (RFC 8461 §5), so they are not compared.
    /// </summary>
    public bool SemanticEquals(MtaStsPolicy other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Mode == other.Mode && MaxAge == other.MaxAge &&
            (Mode == MtaStsMode.None || ReportUri.SameStrings(Mx, other.Mx) || MxSet(this).SetEquals(MxSet(other)));
    }

    /// <summary>Case-sensitive, as RFC 8461 §3.2 requires.</summary>
    public static MtaStsMode? ParseMode(string text) => text switch
    {
        "enforce" => MtaStsMode.Enforce,
        "testing" => MtaStsMode.Testing,
        "none" => MtaStsMode.None,
        _ => null,
    };

    public static string RenderMode(MtaStsMode mode) => mode switch
    {
        MtaStsMode.Enforce => "enforce",
        MtaStsMode.Testing => "testing",
        _ => "none",
    };

    private static HashSet<string> MxSet(MtaStsPolicy p) => p.Mx.Select(DnsName.Normalize).ToHashSet(StringComparer.Ordinal);

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private static bool IsFieldName(string key)
    {
        if (key.Length is < 1 or > 32 || !char.IsAsciiLetterOrDigit(key[0]))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
