using System.Globalization;

namespace Reconciler.Records;

/// <summary>
/// The one place DNS names are normalised and compared: case-insensitive, one trailing dot
/// stripped, internationalised names as A-labels.
/// </summary>
public static class DnsName
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    public static StringComparer Comparer { get; } = StringComparer.OrdinalIgnoreCase;

    /// <summary>Lower-case A-label form without a trailing dot. Does not validate; see <see cref="TryNormalizeHost"/>.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsNormal(name))
        {
            return name;
        }

        var trimmed = name.Trim();
        if (trimmed.EndsWith('.'))
        {
            trimmed = trimmed[..^1];
        }

        if (!System.Text.Ascii.IsValid(trimmed))
        {
            try
            {
                trimmed = Idn.GetAscii(trimmed);
            }
            catch (ArgumentException)
            {
                // Leave it as written; validation reports it.
            }
        }

        return trimmed.ToLowerInvariant();
    }

    /// <summary>Already normal: lower-case ASCII without surrounding space or a trailing dot (the common case, no copy made).</summary>
    private static bool IsNormal(string name)
    {
        if (name.Length == 0 || name[^1] == '.' || char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is (>= 'A' and <= 'Z') or > (char)0x7f)
            {
                return false;
            }
        }

        return true;
    }

    public static bool AreEqual(string? a, string? b) =>
        a is not null && b is not null && string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    /// <summary>
    /// Validates a host name (LDH labels, 1-63 octets each, at most 253 in all, at least two labels)
    /// and returns its normalised form. <paramref name="allowUnderscore"/> admits service labels such as _mta-sts.
    /// </summary>
    public static bool TryNormalizeHost(string input, out string normalized, out string? error, bool allowUnderscore = false)
    {
        normalized = "";
        error = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "the name is empty";
            return false;
        }

        if (input.AsSpan().Trim().EndsWith("..", StringComparison.Ordinal))
        {
            error = "the name ends in an empty label";
            return false;
        }

        string ascii;
        try
        {
            ascii = Normalize(input);
            if (!System.Text.Ascii.IsValid(ascii))
            {
                ascii = Idn.GetAscii(ascii).ToLowerInvariant();
            }
        }
        catch (ArgumentException e)
        {
            error = $"not a valid internationalised name: {e.Message}";
            return false;
        }

        if (ascii.Length > 253)
        {
            error = $"the name is {ascii.Length} octets long; at most 253 are allowed";
            return false;
        }

        if (!ascii.Contains('.', StringComparison.Ordinal))
        {
            error = "a fully qualified name with at least two labels is required";
            return false;
        }

        var last = ReadOnlySpan<char>.Empty;
        foreach (var range in ascii.AsSpan().Split('.'))
        {
            var label = ascii.AsSpan(range);
            last = label;
            if (label.Length is 0 or > 63)
            {
                error = label.Length == 0 ? "the name has an empty label" : $"label '{label}' is longer than 63 octets";
                return false;
            }

            foreach (var c in label)
            {
                var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' || (allowUnderscore && c == '_');
                if (!ok)
                {
                    error = $"label '{label}' has the character '{c}'; letters, digits and '-' are allowed";
                    return false;
                }
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                error = $"label '{label}' starts or ends with '-'";
                return false;
            }
        }

        if (!last.ContainsAnyExceptInRange('0', '9'))
        {
            error = "the top-level label is numeric (an IP address is not a host name)";
            return false;
        }

        normalized = ascii;
        return true;
    }
}
