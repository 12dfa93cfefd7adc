using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Reconciler.Records;

/// <summary>RFC 7208 §7.1 macro-string / domain-spec and §5.6 address checks used by <see cref="SpfTerm"/>.</summary>
internal static class SpfSyntax
{
    private static readonly System.Buffers.SearchValues<char> MacroDelimiters = System.Buffers.SearchValues.Create(".-+,/_=");

    private static readonly Regex Ip4 = new(
        @"^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Checks a macro-string; null when valid. <paramref name="explain"/> admits the c, r, t letters.</summary>
    public static string? CheckMacroString(string text, bool explain, out bool endsWithMacro)
    {
        endsWithMacro = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            endsWithMacro = false;
            if (c != '%')
            {
                if (c is < '!' or > '~')
                {
                    return $"character U+{(int)c:X4} is not allowed (visible ASCII only)";
                }

                continue;
            }

            if (i + 1 >= text.Length)
            {
                return "a '%' at the end must be followed by '{', '%', '_' or '-' (write '%%' for a literal '%')";
            }

            var next = text[i + 1];
            if (next is '%' or '_' or '-')
            {
                i++;
                endsWithMacro = true;
                continue;
            }

            if (next != '{')
            {
                return $"'%{next}' is not a macro; '%' must be followed by '{{', '%', '_' or '-'";
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                return "a macro '%{' is not closed with '}'";
            }

            var error = CheckMacroBody(text[(i + 2)..close], explain);
            if (error is not null)
            {
                return error;
            }

            i = close;
            endsWithMacro = true;
        }

        return null;
    }

    private static string? CheckMacroBody(string body, bool explain)
    {
        if (body.Length == 0)
        {
            return "empty macro '%{}'";
        }

        var letter = char.ToLowerInvariant(body[0]);
        if ("slodipvh".IndexOf(letter, StringComparison.Ordinal) < 0)
        {
            return "crt".Contains(letter, StringComparison.Ordinal)
                ? explain ? null : $"macro letter '{body[0]}' is allowed only in explanation text (RFC 7208 §7.1)"
                : $"'{body[0]}' is not a macro letter (s, l, o, d, i, p, v, h)";
        }

        var j = 1;
        while (j < body.Length && char.IsAsciiDigit(body[j]))
        {
            j++;
        }

        if (j > 1 && int.TryParse(body[1..j], NumberStyles.None, CultureInfo.InvariantCulture, out var digits) && digits == 0)
        {
            return "a macro transformer digit count must not be zero";
        }

        if (j < body.Length && body[j] is 'r' or 'R')
        {
            j++;
        }

        var at = body.AsSpan(j).IndexOfAnyExcept(MacroDelimiters);
        return at < 0 ? null : $"'{body[j + at]}' is not a macro transformer or delimiter in '%{{{body}}}'";
    }

    /// <summary>Checks a domain-spec (macro-string then domain-end); null when valid.</summary>
    public static string? CheckDomainSpec(string spec)
    {
        if (spec.Length == 0)
        {
            return "the domain-spec is empty";
        }

        var error = CheckMacroString(spec, explain: false, out _);
        if (error is not null)
        {
            return error;
        }

        var body = spec.EndsWith('.') ? spec[..^1] : spec;
        _ = CheckMacroString(body, explain: false, out var endsWithMacro);
        if (endsWithMacro)
        {
            return null;
        }

        var dot = body.LastIndexOf('.');
        if (dot < 0)
        {
            return $"'{spec}' must end in a macro or a '.' and a top-level label (a single label is not a domain)";
        }

        var top = body[(dot + 1)..];
        var topOk = top.Length > 0 && top.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') &&
                    char.IsAsciiLetterOrDigit(top[0]) && char.IsAsciiLetterOrDigit(top[^1]) &&
                    (top.Any(char.IsAsciiLetter) || top.Contains('-', StringComparison.Ordinal));
        if (!topOk)
        {
            return $"'{spec}' does not end in a valid top-level label ('{top}': letters, digits and inner '-', not all-numeric)";
        }

        if (!spec.Contains('%', StringComparison.Ordinal))
        {
            var labels = body.Split('.');
            if (labels.Any(l => l.Length == 0))
            {
                return $"'{spec}' has an empty label";
            }

            if (labels.Any(l => l.Length > 63) || body.Length > 253)
            {
                return $"'{spec}' is too long for a domain name (labels at most 63, names at most 253 octets)";
            }
        }

        return null;
    }

    public static bool IsIp4(string text) => Ip4.IsMatch(text);

    public static bool IsIp6(string text) =>
        text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal) &&
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Checks a cidr length written without the '/': no leading zero, at most <paramref name="max"/>.</summary>
    public static string? CheckCidr(string digits, int max)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return $"'/{digits}' is not a prefix length";
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            return $"prefix length '/{digits}' has a leading zero";
        }

        return digits.Length > 3 || int.Parse(digits, CultureInfo.InvariantCulture) > max
            ? $"prefix length /{digits} is larger than {max}"
            : null;
    }
}
