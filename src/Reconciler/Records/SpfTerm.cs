using System.Text.RegularExpressions;

namespace Reconciler.Records;

/// <summary>
/// One SPF term (RFC 7208 §4.6.1): a mechanism with its qualifier (<c>+</c> also when implied) or a modifier
/// (qualifier <c>""</c>). <see cref="Name"/> is lower-case; <see cref="Value"/> is what follows <c>:</c> or
/// <c>=</c> (or the <c>/cidr</c> of a bare <c>a</c>/<c>mx</c>) as written, null when nothing follows.
/// </summary>
public sealed record SpfTerm(string Qualifier, string Name, string? Value, bool IsModifier)
{
    public const string Rule = "RFC 7208 §4.6.1";

    private static readonly Regex ModifierForm = new(@"^([A-Za-z][A-Za-z0-9._-]*)=(.*)$", RegexOptions.Compiled | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex DomainAndCidr = new(@"^(.*?)(?:/([0-9]+))?(?://([0-9]+))?$", RegexOptions.Compiled | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    private static readonly Regex CidrOnly = new(@"^(?:/([0-9]+))?(?://([0-9]+))?$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>include, a, mx, ptr, exists and redirect cost a DNS lookup (RFC 7208 §4.6.4).</summary>
    public bool CausesDnsLookup => IsModifier
        ? Name.Equals("redirect", StringComparison.OrdinalIgnoreCase)
        : Name.ToLowerInvariant() is "include" or "a" or "mx" or "ptr" or "exists";

    public string Render()
    {
        var name = Name.ToLowerInvariant();
        if (IsModifier)
        {
            return $"{name}={Value}";
        }

        var qualifier = Qualifier == "+" ? "" : Qualifier;
        if (Value is null)
        {
            return qualifier + name;
        }

        return Value.Length > 0 && CidrOnly.IsMatch(Value) ? qualifier + name + Value : $"{qualifier}{name}:{Value}";
    }

    /// <summary>Parses one term; adds problems and returns null when it is malformed.</summary>
    internal static SpfTerm? Parse(string text, List<RecordProblem> problems)
    {
        var at = text.AsSpan().IndexOfAnyExceptInRange('!', '~');
        if (at >= 0)
        {
            var bad = text[at];
            problems.Add(new(Severity.Error, "RFC 7208 §4.6.1",
                $"term '{Printable(text)}' contains U+{(int)bad:X4}; terms are visible ASCII separated by single spaces"));
            return null;
        }

        var modifier = ModifierForm.Match(text);
        return modifier.Success
            ? ParseModifier(modifier.Groups[1].Value.ToLowerInvariant(), modifier.Groups[2].Value, problems)
            : ParseMechanism(text, problems);
    }

    private static SpfTerm? ParseModifier(string name, string value, List<RecordProblem> problems)
    {
        var error = name is "redirect" or "exp"
            ? SpfSyntax.CheckDomainSpec(value)
            : SpfSyntax.CheckMacroString(value, explain: false, out _);
        if (error is not null)
        {
            problems.Add(new(Severity.Error, name == "redirect" ? "RFC 7208 §6.1" : name == "exp" ? "RFC 7208 §6.2" : "RFC 7208 §7.1",
                $"{name}={value}: {error}"));
            return null;
        }

        return new SpfTerm("", name, value, true);
    }

    private static SpfTerm? ParseMechanism(string text, List<RecordProblem> problems)
    {
        var qualifier = "+";
        var body = text;
        if (body[0] is '+' or '-' or '~' or '?')
        {
            qualifier = body[..1];
            body = body[1..];
        }

        var end = body.IndexOfAny([':', '/']);
        var name = (end < 0 ? body : body[..end]).ToLowerInvariant();
        var rest = end < 0 ? "" : body[end..];
        string? value = rest.StartsWith(':') ? rest[1..] : rest.Length > 0 ? rest : null;
        var error = name switch
        {
            "all" => rest.Length == 0 ? null : $"'all' takes no argument, found '{rest}'",
            "include" or "exists" => rest.StartsWith(':') ? SpfSyntax.CheckDomainSpec(rest[1..]) : $"'{name}' needs ':domain'",
            "ptr" => rest.Length == 0 ? null : rest.StartsWith(':') ? SpfSyntax.CheckDomainSpec(rest[1..]) : $"'ptr' takes only ':domain', found '{rest}'",
            "a" or "mx" => CheckDualCidrMechanism(rest),
            "ip4" => CheckIp(rest, ip6: false),
            "ip6" => CheckIp(rest, ip6: true),
            _ => $"unknown mechanism '{name}'",
        };

        if (error is not null)
        {
            var rule = name switch
            {
                "all" => "RFC 7208 §5.1",
                "include" => "RFC 7208 §5.2",
                "a" => "RFC 7208 §5.3",
                "mx" => "RFC 7208 §5.4",
                "ptr" => "RFC 7208 §5.5",
                "ip4" or "ip6" => "RFC 7208 §5.6",
                "exists" => "RFC 7208 §5.7",
                _ => Rule,
            };
            problems.Add(new(Severity.Error, rule, $"{text}: {error}"));
            return null;
        }

        return new SpfTerm(qualifier, name, value, false);
    }

    private static string? CheckDualCidrMechanism(string rest)
    {
        if (rest.Length == 0)
        {
            return null;
        }

        var match = rest.StartsWith(':') ? DomainAndCidr.Match(rest[1..]) : CidrOnly.Match(rest);
        if (!match.Success)
        {
            return $"'{rest}' is not ':domain' and/or '/ip4-cidr' '//ip6-cidr'";
        }

        var (v4, v6) = rest.StartsWith(':') ? (match.Groups[2], match.Groups[3]) : (match.Groups[1], match.Groups[2]);
        if (rest.StartsWith(':') && SpfSyntax.CheckDomainSpec(match.Groups[1].Value) is { } domainError)
        {
            return domainError;
        }

        return (v4.Success ? SpfSyntax.CheckCidr(v4.Value, 32) : null) ?? (v6.Success ? SpfSyntax.CheckCidr(v6.Value, 128) : null);
    }

    private static string? CheckIp(string rest, bool ip6)
    {
        var kind = ip6 ? "ip6" : "ip4";
        if (!rest.StartsWith(':'))
        {
            return $"'{kind}' needs ':address'";
        }

        var value = rest[1..];
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? value : value[..slash];
        var valid = ip6 ? SpfSyntax.IsIp6(address) : SpfSyntax.IsIp4(address);
        if (!valid)
        {
            return $"'{address}' is not a valid {(ip6 ? "IPv6" : "dotted-quad IPv4")} address";
        }

        return slash < 0 ? null : SpfSyntax.CheckCidr(value[(slash + 1)..], ip6 ? 128 : 32);
    }

    private static string Printable(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
}
