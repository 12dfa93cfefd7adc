using System.Net;

namespace Reconciler.Records;

/// <summary>
/// MTA-STS policy <c>mx</c> patterns (RFC 8461 §3.2, §4.1): a host name, or <c>*.</c> followed by a host
/// name, where the wildcard stands for exactly one left-most label.
/// </summary>
public static class MxPattern
{
    public const string Rule = "RFC 8461 §3.2";

    /// <summary>Validates <paramref name="pattern"/>; on success returns it lower-cased without a trailing dot.</summary>
    public static bool TryNormalize(string pattern, out string normalized, out string? error)
    {
        normalized = "";
        error = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "the mx pattern is empty";
            return false;
        }

        var text = pattern.Trim();
        if (text.StartsWith('[') || IPAddress.TryParse(text.TrimEnd('.'), out _))
        {
            error = $"'{text}' is an IP address; mx patterns are host names";
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{text}' has a ':'; mx patterns carry no port";
            return false;
        }

        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        var host = wildcard ? text[2..] : text;
        if (host.Contains('*', StringComparison.Ordinal))
        {
            error = $"'{text}' has a '*' that is not the whole left-most label ('*.' prefix)";
            return false;
        }

        if (!DnsName.TryNormalizeHost(host, out var normalHost, out var hostError))
        {
            error = $"'{text}' is not a valid host name: {hostError}";
            return false;
        }

        normalized = wildcard ? "*." + normalHost : normalHost;
        return true;
    }

    /// <summary>
    /// RFC 8461 §4.1: an exact (case-insensitive) match, or <c>*.</c> matching exactly one left-most label.
    /// </summary>
    public static bool Matches(string pattern, string host)
    {
        if (string.IsNullOrWhiteSpace(pattern) || string.IsNullOrWhiteSpace(host))
        {
            return false;
        }

        var p = DnsName.Normalize(pattern);
        var h = DnsName.Normalize(host);
        if (!p.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(p, h, StringComparison.Ordinal);
        }

        var dot = h.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && h.AsSpan(dot + 1).SequenceEqual(p.AsSpan(2));
    }

    /// <summary>True when any of <paramref name="patterns"/> matches <paramref name="host"/>.</summary>
    public static bool Covers(IEnumerable<string> patterns, string host)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (var p in patterns)
        {
            if (Matches(p, host))
            {
                return true;
            }
        }

        return false;
    }
}
