using System.Globalization;
using System.Text;

namespace Reconciler.Records;

/// <summary>Master-file (BIND, RFC 1035 §5.1) text for the records the fix steps ask people to publish.</summary>
public static class ZoneText
{
    /// <summary>The most octets one TXT character-string can hold (RFC 1035 §3.3).</summary>
    public const int MaxStringBytes = 255;

    /// <summary>Splits <paramref name="value"/> into strings of at most 255 UTF-8 bytes, never inside a character.</summary>
    public static IReadOnlyList<string> SplitTxt(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var chunks = new List<string>();
        var current = new StringBuilder();
        var bytes = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            var length = rune.Utf8SequenceLength;
            if (bytes + length > MaxStringBytes)
            {
                chunks.Add(current.ToString());
                current.Clear();
                bytes = 0;
            }

            current.Append(rune.ToString());
            bytes += length;
        }

        if (current.Length > 0 || chunks.Count == 0)
        {
            chunks.Add(current.ToString());
        }

        return chunks;
    }

    /// <summary><c>"chunk1" "chunk2"</c>, with <c>"</c> and <c>\</c> escaped and control characters as <c>\DDD</c>.</summary>
    public static string QuoteTxt(string value) =>
        string.Join(" ", SplitTxt(value).Select(chunk => "\"" + Escape(chunk) + "\""));

    /// <summary><c>owner.&lt;TAB&gt;3600&lt;TAB&gt;IN&lt;TAB&gt;TYPE&lt;TAB&gt;rdata</c> with the owner fully qualified.</summary>
    public static string Record(string owner, string type, string rdata, int ttl = 3600)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(type);
        return string.Join('\t', DnsName.Normalize(owner) + ".", ttl.ToString(CultureInfo.InvariantCulture), "IN",
            type.ToUpperInvariant(), rdata);
    }

    /// <summary>A TXT record line with <paramref name="value"/> split and quoted.</summary>
    public static string Txt(string owner, string value, int ttl = 3600) => Record(owner, "TXT", QuoteTxt(value), ttl);

    private static string Escape(string chunk)
    {
        var b = new StringBuilder(chunk.Length + 2);
        foreach (var c in chunk)
        {
            if (c is '"' or '\\')
            {
                b.Append('\\').Append(c);
            }
            else if (c < ' ' || c == '\x7f')
            {
                b.Append('\\').Append(((int)c).ToString("D3", CultureInfo.InvariantCulture));
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }
}
