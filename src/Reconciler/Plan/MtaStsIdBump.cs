using System.Globalization;
using System.Numerics;

namespace Reconciler.Plan;

/// <summary>
/// MTA-STS id ordering and the proposal of a new id (DESIGN "The MTA-STS id"): UTC
/// <c>yyyyMMddHHmmss</c> from the clock, strictly greater than every id given; when the clock
/// value is not greater, the larger id is incremented past.
/// </summary>
public static class MtaStsIdBump
{
    private const int MaxIdLength = 32;

    /// <summary>True when the id is all ASCII digits (a timestamp or counter).</summary>
    public static bool IsNumeric(string id) => id.Length > 0 && !id.AsSpan().ContainsAnyExceptInRange('0', '9');

    /// <summary>
    /// Orders ids: numerically when both are all digits, else ordinally. Negative when
    /// <paramref name="a"/> comes before <paramref name="b"/>.
    /// </summary>
    public static int Compare(string a, string b)
    {
        if (IsNumeric(a) && IsNumeric(b))
        {
            // Without leading zeros, the longer number is the larger; of equal length, the digits order them.
            var x = a.AsSpan().TrimStart('0');
            var y = b.AsSpan().TrimStart('0');
            return x.Length != y.Length ? x.Length.CompareTo(y.Length) : Math.Sign(x.SequenceCompareTo(y));
        }

        return string.CompareOrdinal(a, b);
    }

    /// <summary>A new id strictly greater than every non-null id in <paramref name="ids"/>.</summary>
    public static string Propose(TimeProvider time, params string?[] ids)
    {
        ArgumentNullException.ThrowIfNull(time);
        // yyyyMMddHHmmss from the numbers: a date pattern would go through the culture-aware formatter.
        var now = time.GetUtcNow().UtcDateTime;
        var candidate = string.Create(CultureInfo.InvariantCulture, $"{now.Year:D4}{now.Month:D2}{now.Day:D2}{now.Hour:D2}{now.Minute:D2}{now.Second:D2}");
        var largest = ids.Where(i => !string.IsNullOrEmpty(i)).Select(i => i!).Aggregate((string?)null,
            (max, id) => max is null || Compare(id, max) > 0 ? id : max);
        if (largest is null || Compare(candidate, largest) > 0)
        {
            return candidate;
        }

        return Successor(largest);
    }

    /// <summary>The next id after <paramref name="id"/>: +1 for numbers, else a character appended or raised.</summary>
    public static string Successor(string id)
    {
        if (IsNumeric(id))
        {
            var next = (BigInteger.Parse(id, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
            if (next.Length <= MaxIdLength)
            {
                return next.PadLeft(id.Length, '0');
            }
        }

        if (id.Length < MaxIdLength)
        {
            return id + "1";
        }

        // 32 characters: raise the right-most character that can still grow ('z' is the largest alphanumeric).
        var chars = id.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < 'z')
            {
                chars[i] = chars[i] switch
                {
                    < '9' => (char)(chars[i] + 1),
                    < 'Z' => chars[i] == '9' ? 'A' : (char)(chars[i] + 1),
                    < 'a' => 'a',
                    _ => (char)(chars[i] + 1),
                };
                return new string(chars, 0, i + 1);
            }
        }

        return id;
    }
}
