using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Reconciler.Records;

namespace Reconciler.Observe;

/// <summary>
/// The --authoritative mode: finds a domain's NS servers through the resolver, asks each of them
/// directly (recursion off) and compares their answers to the same questions.
/// </summary>
internal sealed class AuthoritativeServers(DnsLookup resolver, Func<IPEndPoint, DnsLookup> serverLookup, int port)
{
    /// <summary>How a server's answer that could not be had starts, in <see cref="NsDisagreement.Answers"/>.</summary>
    public const string ErrorPrefix = "error: ";

    /// <summary>The zone that holds the domain and the addresses of its NS servers (in NS name order), or null when none could be found.</summary>
    public async Task<(string Zone, IReadOnlyList<(string Name, IPEndPoint EndPoint)> Servers)?> FindAsync(string domain, CancellationToken ct)
    {
        var name = DnsName.Normalize(domain);
        while (name.Contains('.', StringComparison.Ordinal))
        {
            var ns = (await resolver.ResolveAsync(name, QueryType.NS, ct).ConfigureAwait(false)).Records;
            if (ns is Found<IReadOnlyList<DnsResourceRecord>> found)
            {
                var hosts = found.Value.OfType<NsRecord>().Select(r => DnsName.Normalize(r.NSDName.Value)).Distinct().Order(StringComparer.Ordinal).ToList();
                var servers = new List<(string, IPEndPoint)>();
                foreach (var host in hosts)
                {
                    if (await resolver.AddressesAsync(host, ct).ConfigureAwait(false) is Found<IReadOnlyList<string>> addresses)
                    {
                        servers.AddRange(addresses.Value.Select(a => (host, new IPEndPoint(IPAddress.Parse(a), port))));
                    }
                }

                return servers.Count == 0 ? null : (name, servers);
            }

            if (ns is not Absent<IReadOnlyList<DnsResourceRecord>> { Kind: AbsenceKind.NoData })
            {
                return null;
            }

            name = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
        }

        return null;
    }

    /// <summary>Asks every other server the questions the first one was asked and reports each difference.</summary>
    public async Task<IReadOnlyList<NsDisagreement>> CompareAsync(
        string zone,
        IReadOnlyList<(string Name, IPEndPoint EndPoint)> servers,
        IEnumerable<(string Name, QueryType Type)> questions,
        CancellationToken ct)
    {
        var lookups = servers.Select(s => (Label: $"{s.Name} ({s.EndPoint})", Lookup: serverLookup(s.EndPoint).ForZone(zone, resolver, null))).ToList();
        var compared = await Task.WhenAll(questions.Distinct().Select(async q =>
        {
            var answers = await Task.WhenAll(lookups.Select(async l =>
                (l.Label, Summary: Summarize(await l.Lookup.QueryRawAsync(q.Name, q.Type, ct).ConfigureAwait(false), q.Type)))).ConfigureAwait(false);
            return answers.Select(a => a.Summary).Distinct(StringComparer.Ordinal).Count() > 1
                ? new NsDisagreement(q.Name, q.Type.ToString(), answers.ToDictionary(a => a.Label, a => a.Summary, StringComparer.Ordinal))
                : null;
        })).ConfigureAwait(false);
        return [.. compared.OfType<NsDisagreement>().OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Type, StringComparer.Ordinal)];
    }

    private static string Summarize(RawAnswer answer, QueryType type)
    {
        if (answer.Error is not null)
        {
            return $"{ErrorPrefix}{answer.Error.Replace(answer.Server, "server", StringComparison.Ordinal)}";
        }

        var records = answer.Records.Where(r => (int)r.RecordType == (int)type || r is CNameRecord).Select(Describe).Order(StringComparer.Ordinal).ToList();
        return records.Count > 0 ? string.Join(" | ", records) : answer.NxDomain ? "NXDOMAIN" : "NODATA";
    }

    private static string Describe(DnsResourceRecord record) => record switch
    {
        TxtRecord txt => $"TXT \"{string.Concat(txt.Text)}\"",
        DnsClient.Protocol.MxRecord mx => $"MX {mx.Preference} {DnsName.Normalize(mx.Exchange.Value)}",
        CNameRecord cname => $"CNAME {DnsName.Normalize(cname.CanonicalName.Value)}",
        AddressRecord address => $"{record.RecordType} {address.Address}",
        DnsClient.Protocol.TlsaRecord tlsa => $"TLSA {(int)tlsa.CertificateUsage} {(int)tlsa.Selector} {(int)tlsa.MatchingType} {Convert.ToHexStringLower(tlsa.CertificateAssociationData.ToArray())}",
        _ => $"{record.RecordType} {record}",
    };
}
