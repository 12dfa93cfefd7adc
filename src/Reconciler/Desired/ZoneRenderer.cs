using System.Globalization;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>
/// What a declaration implies in DNS, as BIND master-file lines (RFC 1035 §5.1), and the MTA-STS
/// policy body to serve. Only managed sections produce records; names are absolute with a trailing dot.
/// </summary>
public static class ZoneRenderer
{
    /// <summary>The zone lines for <paramref name="spec"/>, one record per line, in a fixed order.</summary>
    public static IReadOnlyList<string> Records(DomainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var d = spec.Domain;
        var lines = new List<string>();
        foreach (var mx in spec.Mx ?? [])
        {
            lines.Add(ZoneText.Record(d, "MX", $"{mx.Preference.ToString(CultureInfo.InvariantCulture)} {mx.Host}."));
        }

        if (spec.Spf is { } spf)
        {
            lines.Add(ZoneText.Txt(d, spf));
        }

        if (spec.MtaSts is { } sts)
        {
            lines.Add(ZoneText.Txt($"_mta-sts.{d}", new MtaStsTxtRecord(sts.Id).Render()));
        }

        if (spec.TlsRpt is { } rpt)
        {
            lines.Add(ZoneText.Txt($"_smtp._tls.{d}", new TlsRptRecord(rpt.Rua).Render()));
        }

        if (spec.Dmarc is { } dmarc)
        {
            lines.Add(ZoneText.Txt($"_dmarc.{d}", dmarc.ToRecordText()));
        }

        foreach (var (selector, dkim) in (spec.Dkim ?? new Dictionary<string, DkimSpec>()).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var owner = $"{selector}._domainkey.{d}";
            if (dkim.Cname is { } target)
            {
                lines.Add(ZoneText.Record(owner, "CNAME", target + "."));
            }
            else if (dkim.Key is { } key)
            {
                lines.Add(ZoneText.Txt(owner, key));
            }
        }

        foreach (var (host, records) in (spec.Dane ?? new Dictionary<string, IReadOnlyList<string>>()).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (host == d || host.EndsWith("." + d, StringComparison.Ordinal))
            {
                lines.AddRange(records.Select(r => ZoneText.Record($"_25._tcp.{host}", "TLSA", r)));
            }
        }

        return lines;
    }

    /// <summary>The policy file body (CRLF line ends) for the declared MTA-STS policy; null when MTA-STS is not managed.</summary>
    public static string? Policy(DomainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.MtaSts is { } sts ? new MtaStsPolicy(sts.Mode, sts.MaxAge, sts.MxPatterns).Render() : null;
    }
}
