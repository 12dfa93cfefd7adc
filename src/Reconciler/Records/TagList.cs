namespace Reconciler.Records;

/// <summary>
/// RFC 6376 §3.2 tag-list: <c>tag=value; tag=value</c>, whitespace around tokens, an optional trailing
/// <c>;</c>. Tag names are compared case-insensitively and returned lower-cased; values are trimmed and
/// otherwise kept as written. Shared by the DKIM, DMARC, MTA-STS and TLS-RPT record parsers.
/// </summary>
public static class TagList
{
    public const string Rfc6376TagList = "RFC 6376 §3.2";

    /// <summary>Parses <paramref name="text"/>; problems name <paramref name="rule"/>. Never throws.</summary>
    public static ParseResult<IReadOnlyList<KeyValuePair<string, string>>> Parse(string text, string rule) =>
        Parse(text, rule, caseSensitiveNames: false);

    /// <summary>
    /// As <see cref="Parse(string, string)"/>; with <paramref name="caseSensitiveNames"/> tag names are kept as
    /// written and compared ordinally, as RFC 6376 §3.2 (DKIM), RFC 8461 §3.1 and RFC 8460 §3 require.
    /// </summary>
    internal static ParseResult<IReadOnlyList<KeyValuePair<string, string>>> Parse(string text, string rule, bool caseSensitiveNames)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var problems = new List<RecordProblem>();
        var tags = new List<KeyValuePair<string, string>>();
        if (text is null || TrimFws(text).Length == 0)
        {
            problems.Add(new RecordProblem(Severity.Error, rule, "the record is empty; a tag-list of tag=value pairs is required"));
            return new(null, problems);
        }

        var count = text.AsSpan().Count(';') + 1;
        var i = 0;
        foreach (var range in text.AsSpan().Split(';'))
        {
            var position = ++i;
            var spec = text.AsSpan(range).Trim(Fws);
            if (spec.Length == 0)
            {
                if (position != count)
                {
                    problems.Add(new RecordProblem(Severity.Warning, rule, $"empty tag-spec at position {position} (';' twice)"));
                }

                continue;
            }

            var eq = spec.IndexOf('=');
            if (eq < 0)
            {
                problems.Add(new RecordProblem(Severity.Error, rule, $"'{spec}' is not of the form tag=value"));
                continue;
            }

            var name = spec[..eq].Trim(Fws).ToString();
            if (!IsTagName(name))
            {
                problems.Add(new RecordProblem(Severity.Error, rule,
                    $"'{name}' is not a valid tag name (a letter, then letters, digits or '_')"));
                continue;
            }

            var valueSpan = spec[(eq + 1)..].Trim(Fws);
            var invalidAt = FirstInvalid(valueSpan);
            if (invalidAt >= 0)
            {
                var bad = valueSpan[invalidAt];
                problems.Add(new RecordProblem(Severity.Error, rule,
                    $"the value of tag '{name}' contains the character U+{(int)bad:X4}; only printable ASCII except ';' is allowed"));
                continue;
            }

            var lower = caseSensitiveNames ? name : name.ToLowerInvariant();
            if (Get(tags, lower) is not null)
            {
                problems.Add(new RecordProblem(Severity.Error, rule, $"tag '{lower}' appears more than once; the first is used"));
                continue;
            }

            tags.Add(new KeyValuePair<string, string>(lower, valueSpan.ToString()));
        }

        return new(tags, problems);
    }

    /// <summary>Folding white space: SP, HTAB, CR and LF.</summary>
    internal const string Fws = " \t\r\n";

    internal static string TrimFws(string s)
    {
        var trimmed = s.AsSpan().Trim(Fws);
        return trimmed.Length == s.Length ? s : trimmed.ToString();
    }

    private static bool IsTagName(string name)
    {
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Printable ASCII except ';' (RFC 6376 §3.2 valchar), and folding white space.</summary>
    private static readonly System.Buffers.SearchValues<char> ValueChars = System.Buffers.SearchValues.Create(
        Fws + "!\"#$%&'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Where the first character of a tag value is that is neither printable ASCII (but ';') nor folding white space, or -1.</summary>
    private static int FirstInvalid(ReadOnlySpan<char> value) => value.IndexOfAnyExcept(ValueChars);

    /// <summary>The value of <paramref name="name"/> (lower-case), or null.</summary>
    internal static string? Get(IReadOnlyList<KeyValuePair<string, string>> tags, string name)
    {
        // Indexed: a foreach over the interface would box an enumerator on every lookup.
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Key == name)
            {
                return tags[i].Value;
            }
        }

        return null;
    }

    /// <summary>Warns about tags that differ from a known lower-case tag name only in case (case-sensitive records).</summary>
    internal static void WarnMiscased(IReadOnlyList<KeyValuePair<string, string>> tags, string[] known, string rule, List<RecordProblem> problems)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            var t = tags[i];
            foreach (var match in known)
            {
                if (match != t.Key && string.Equals(match, t.Key, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add(new(Severity.Warning, rule, $"tag '{t.Key}' is ignored: tag names are case-sensitive, did you mean '{match}'?"));
                    break;
                }
            }
        }
    }

    /// <summary>Renders tags as <c>a=1; b=2</c>.</summary>
    internal static string Render(IEnumerable<KeyValuePair<string, string>> tags) =>
        string.Join("; ", tags.Select(t => $"{t.Key}={t.Value}"));
}
