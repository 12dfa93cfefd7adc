using DnsClient;
using DnsClient.Protocol;
using Reconciler.Records;
using MxRecord = Reconciler.Records.MxRecord;

namespace Reconciler.Observe;

/// <summary>Typed lookups on top of <see cref="DnsLookup"/>.</summary>
internal static class DnsRecords
{
    /// <summary>Every TXT record at the name, each one's strings joined without spaces (unescaped).</summary>
    public static async Task<Observation<IReadOnlyList<string>>> TxtAsync(this DnsLookup dns, string name, CancellationToken ct) =>
        Txt((await dns.ResolveAsync(name, QueryType.TXT, ct).ConfigureAwait(false)).Records);

    public static Observation<IReadOnlyList<string>> Txt(Observation<IReadOnlyList<DnsResourceRecord>> records) =>
        records.Map<IReadOnlyList<DnsResourceRecord>, IReadOnlyList<string>>(Joined);

    private static List<string> Joined(IReadOnlyList<DnsResourceRecord> records)
    {
        var texts = new List<string>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is TxtRecord txt)
            {
                texts.Add(txt.Text switch
                {
                    string[] { Length: 1 } one => one[0],
                    string[] several => string.Concat(several),
                    var other => string.Concat(other),
                });
            }
        }

        return texts;
    }

    public static async Task<Observation<IReadOnlyList<MxRecord>>> MxAsync(this DnsLookup dns, string name, CancellationToken ct) =>
        (await dns.ResolveAsync(name, QueryType.MX, ct).ConfigureAwait(false)).Records
            .Map<IReadOnlyList<DnsResourceRecord>, IReadOnlyList<MxRecord>>(
                rs => [.. rs.OfType<DnsClient.Protocol.MxRecord>().Select(m => new MxRecord(m.Preference, DnsName.Normalize(m.Exchange.Value)))]);

    public static async Task<Observation<IReadOnlyList<Records.TlsaRecord>>> TlsaAsync(this DnsLookup dns, string name, CancellationToken ct) =>
        (await dns.ResolveAsync(name, QueryType.TLSA, ct).ConfigureAwait(false)).Records
            .Map<IReadOnlyList<DnsResourceRecord>, IReadOnlyList<Records.TlsaRecord>>(
                rs => [.. rs.OfType<DnsClient.Protocol.TlsaRecord>().Select(t => new Records.TlsaRecord(
                    (byte)t.CertificateUsage, (byte)t.Selector, (byte)t.MatchingType,
                    Convert.ToHexStringLower(t.CertificateAssociationData.ToArray())))]);

    /// <summary>
    /// A and AAAA together: Found when either has addresses (A first), Unknown when either could not
    /// be decided, else Absent (NXDOMAIN when the name does not exist).
    /// </summary>
    public static async Task<Observation<IReadOnlyList<string>>> AddressesAsync(this DnsLookup dns, string name, CancellationToken ct)
    {
        var a = dns.ResolveAsync(name, QueryType.A, ct);
        var aaaa = dns.ResolveAsync(name, QueryType.AAAA, ct);
        var v4 = (await a.ConfigureAwait(false)).Records;
        var v6 = (await aaaa.ConfigureAwait(false)).Records;
        if (v4 is Unknown<IReadOnlyList<DnsResourceRecord>> u4)
        {
            return new Unknown<IReadOnlyList<string>>(u4.Reason);
        }

        if (v6 is Unknown<IReadOnlyList<DnsResourceRecord>> u6)
        {
            return new Unknown<IReadOnlyList<string>>(u6.Reason);
        }

        var addresses = new List<string>();
        foreach (var found in new[] { v4, v6 }.OfType<Found<IReadOnlyList<DnsResourceRecord>>>())
        {
            addresses.AddRange(found.Value.OfType<AddressRecord>().Select(r => r.Address.ToString()));
        }

        if (addresses.Count > 0)
        {
            return new Found<IReadOnlyList<string>>(addresses);
        }

        var nx = v4 is Absent<IReadOnlyList<DnsResourceRecord>> { Kind: AbsenceKind.NxDomain };
        return new Absent<IReadOnlyList<string>>(nx ? AbsenceKind.NxDomain : AbsenceKind.NoData);
    }

}
