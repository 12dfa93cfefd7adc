namespace Reconciler.Records;

/// <summary>Report destination URIs (<c>rua</c>/<c>ruf</c>) of TLS-RPT and DMARC: validation and normal form.</summary>
internal static class ReportUri
{
    /// <summary>Splits a comma-separated URI list, trimming white space around each entry.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(',').Select(TagList.TrimFws).ToList();

    public static bool IsMailto(string uri) => uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    public static bool IsHttps(string uri) => uri.StartsWith("https:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks <c>mailto:local@domain</c> (an optional <c>?query</c> is allowed).</summary>
    public static bool IsValidMailto(string uri, out string? error)
    {
        error = null;
        var address = uri["mailto:".Length..];
        var query = address.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            address = address[..query];
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            error = $"'{uri}' is not mailto:local-part@domain";
            return false;
        }

        var local = address[..at];
        if (local.Any(c => c <= ' ' || c >= 0x7f || c is ',' or ';' or '<' or '>' or '"'))
        {
            error = $"'{uri}' has a character not allowed in the local part";
            return false;
        }

        if (!DnsName.TryNormalizeHost(Uri.UnescapeDataString(address[(at + 1)..]), out _, out var hostError))
        {
            error = $"'{uri}' has an invalid domain: {hostError}";
            return false;
        }

        return true;
    }

    /// <summary>Checks an absolute <c>https:</c> URI with a host.</summary>
    public static bool IsValidHttps(string uri, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps ||
            string.IsNullOrEmpty(parsed.Host) || uri.Any(c => c <= ' ' || c >= 0x7f))
        {
            error = $"'{uri}' is not a valid absolute https: URI";
            return false;
        }

        return true;
    }

    /// <summary>Scheme lower-cased; for mailto the domain lower-cased; for https the host lower-cased.</summary>
    public static string Normalize(string uri)
    {
        var u = uri.Trim();
        if (IsMailto(u))
        {
            var rest = u["mailto:".Length..];
            var at = rest.LastIndexOf('@');
            return at < 0 ? "mailto:" + rest : "mailto:" + rest[..at] + "@" + rest[(at + 1)..].ToLowerInvariant().TrimEnd('.');
        }

        if (Uri.TryCreate(u, UriKind.Absolute, out var parsed))
        {
            return parsed.AbsoluteUri;
        }

        return u;
    }

    public static HashSet<string> NormalizedSet(IEnumerable<string> uris) =>
        uris.Select(Normalize).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// True when both lists hold the same URIs as normalised sets; lists equal as written (the usual case)
    /// are that without normalising.
    /// </summary>
    public static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        SameStrings(a, b) || NormalizedSet(a).SetEquals(NormalizedSet(b));

    /// <summary>The same strings (ordinal) in the same order.</summary>
    internal static bool SameStrings(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
