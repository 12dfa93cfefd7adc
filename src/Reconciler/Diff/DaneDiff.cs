using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>The <c>dane</c> check (RFC 7672): the TLSA set at <c>_25._tcp.host</c> equals the declared one.</summary>
public static class DaneDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Dane is null)
        {
            return [];
        }

        var findings = new List<Finding>();
        foreach (var (rawHost, records) in spec.Dane.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var host = DnsName.Normalize(rawHost);
            var name = $"_25._tcp.{host}";
            if (!live.Tlsa.TryGetValue(host, out var observed) && !live.Tlsa.TryGetValue(name, out observed))
            {
                findings.Add(DiffText.Unreachable(Checks.Dane, name, "the TLSA records were not looked up", "the TLSA records"));
                continue;
            }

            var declared = records.Select(r => TlsaText.Parse(r).Value).OfType<TlsaRecord>().Select(TlsaText.Render)
                .Distinct(StringComparer.Ordinal).ToList();
            List<string> published;
            switch (observed)
            {
                case Unknown<IReadOnlyList<TlsaRecord>> unknown:
                    findings.Add(DiffText.Unreachable(Checks.Dane, name, unknown.Reason, "the TLSA records"));
                    continue;
                case Found<IReadOnlyList<TlsaRecord>> found:
                    published = found.Value.Select(TlsaText.Render).Distinct(StringComparer.Ordinal).ToList();
                    break;
                default:
                    published = [];
                    break;
            }

            foreach (var record in declared.Where(d => !published.Contains(d, StringComparer.Ordinal)))
            {
                findings.Add(new Finding(Checks.Dane, FindingKind.Missing, Severity.Error, name, record, published.Count > 0 ? DiffText.Joined(published) : null,
                    published.Count == 0
                        ? $"no TLSA record is published for {host}; DANE senders cannot authenticate it"
                        : $"TLSA {record} is not published for {host}"));
            }

            foreach (var record in published.Where(p => !declared.Contains(p, StringComparer.Ordinal)))
            {
                findings.Add(new Finding(Checks.Dane, FindingKind.Unexpected, Severity.Error, name, null, record,
                    $"TLSA {record} is published for {host} but not declared"));
            }
        }

        return findings;
    }
}
