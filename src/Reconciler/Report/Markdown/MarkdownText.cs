using System.Globalization;
using System.Text;

namespace Reconciler.Report.Markdown;

/// <summary>
/// Makes untrusted text (anything taken from live DNS or a policy body) inert in GitHub Markdown:
/// no mentions, no HTML, no table breakage, no escape from a code span or block, no control
/// characters, and a bounded length.
/// </summary>
public static class MarkdownText
{
    /// <summary>The default bound for one table cell or inline value.</summary>
    public const int DefaultInlineLength = 300;

    /// <summary>The default bound for one code block.</summary>
    public const int DefaultBlockLength = 8000;

    private const string Ellipsis = "…";
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>
    /// Text for a table cell or a line of prose: one line, every Markdown punctuation escaped,
    /// HTML-significant characters as entities, mentions broken, at most <paramref name="maxLength"/>
    /// characters of the original (an ellipsis marks a cut).
    /// </summary>
    public static string Inline(string? text, int maxLength = DefaultInlineLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var flat = Bound(OneLine(text), maxLength);
        var sb = new StringBuilder(flat.Length + 16);
        foreach (var c in flat)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '@': sb.Append('@').Append(ZeroWidthJoiner); break;
                case '|': sb.Append("\\|"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '~' or '!' or '-' or ':':
                    sb.Append('\\').Append(c);
                    break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// A fenced code block holding <paramref name="text"/> verbatim (line endings normalised to LF,
    /// control characters other than tab replaced by U+FFFD). The fence is longer than any backtick
    /// run inside, so the content can never close it.
    /// </summary>
    public static string CodeBlock(string? text, string info = "", int maxLength = DefaultBlockLength)
    {
        var body = Bound(CleanBlock(text ?? string.Empty), maxLength);
        var fence = new string('`', Math.Max(3, LongestRun(body, '`') + 1));
        var safeInfo = new string(info.TakeWhile(char.IsAsciiLetterOrDigit).ToArray());
        return $"{fence}{safeInfo}\n{body}\n{fence}";
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxLength"/> characters, ending in an ellipsis when cut.</summary>
    public static string Bound(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = Math.Max(0, maxLength - Ellipsis.Length);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + Ellipsis;
    }

    private static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            sb.Append(c is '\r' or '\n' or '\t' ? ' ' : IsUnsafe(c) ? '\uFFFD' : c);
        }

        return sb.ToString();
    }

    private static string CleanBlock(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    continue;
                }

                sb.Append('\n');
                continue;
            }

            sb.Append(c is '\n' or '\t' ? c : IsUnsafe(c) ? '\uFFFD' : c);
        }

        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>Control and format characters (bidi overrides, zero-width marks, line separators).</summary>
    private static bool IsUnsafe(char c)
    {
        var category = char.GetUnicodeCategory(c);
        return category is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
