using Reconciler.Desired;
using Reconciler.Records;

namespace Reconciler.Observe;

/// <summary>Observes one domain through one DNS seam; every lookup of the domain runs concurrently.</summary>
internal sealed class DomainObservation(
    DnsLookup dns, PolicyFetcher fetcher, PolicyCache? cache = null, long run = 0, TimeProvider? time = null, SpfParseMemo? spf = null)
{
    public async Task<LiveDomain> ObserveAsync(DomainSpec spec, IReadOnlyList<NsDisagreement> disagreements, CancellationToken ct)
    {
        var domain = DnsName.Normalize(spec.Domain);
        var mx = dns.MxAsync(domain, ct);
        var apex = dns.TxtAsync(domain, ct);
        var mtaSts = dns.TxtAsync($"_mta-sts.{domain}", ct);
        var tlsRpt = dns.TxtAsync($"_smtp._tls.{domain}", ct);
        var dmarc = dns.TxtAsync($"_dmarc.{domain}", ct);
        var dkim = (spec.Dkim?.Keys ?? [])
            .Select(DnsName.Normalize)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(s => s, s => DkimAsync($"{s}._domainkey.{domain}", ct), StringComparer.Ordinal);
        var tlsa = (spec.Dane?.Keys ?? [])
            .Select(DnsName.Normalize)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(h => h, h => dns.TlsaAsync($"_25._tcp.{h}", ct), StringComparer.Ordinal);
        var reportAuth = ExternalReportDomains(domain, spec.Dmarc)
            .Select(d => $"{domain}._report._dmarc.{d}")
            .ToDictionary(n => n, n => dns.TxtAsync(n, ct), StringComparer.Ordinal);
        var spf = SpfAsync(domain, apex, ct);
        var policy = PolicyAsync(domain, spec.MtaSts, mtaSts, mx, ct);

        return new LiveDomain(
            domain,
            await mx.ConfigureAwait(false),
            await apex.ConfigureAwait(false),
            await spf.ConfigureAwait(false),
            await mtaSts.ConfigureAwait(false),
            await policy.ConfigureAwait(false),
            await tlsRpt.ConfigureAwait(false),
            await dmarc.ConfigureAwait(false),
            await AwaitAll(reportAuth).ConfigureAwait(false),
            await AwaitAll(dkim).ConfigureAwait(false),
            await AwaitAll(tlsa).ConfigureAwait(false),
            disagreements);
    }

    /// <summary>
    /// A domain about which nothing could be decided (its observation failed): every record the spec
    /// asks about is Unknown with <paramref name="reason"/>, so planning concludes nothing.
    /// </summary>
    public static LiveDomain Undecided(DomainSpec spec, string reason)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var domain = DnsName.Normalize(spec.Domain);
        Observation<IReadOnlyList<string>> Texts() => new Unknown<IReadOnlyList<string>>(reason);
        return new LiveDomain(
            domain,
            new Unknown<IReadOnlyList<MxRecord>>(reason),
            Texts(),
            new Unknown<SpfTree>(reason),
            Texts(),
            new PolicyObservation(Texts(), []),
            Texts(),
            Texts(),
            ExternalReportDomains(domain, spec.Dmarc).ToDictionary(d => $"{domain}._report._dmarc.{d}", _ => Texts(), DnsName.Comparer),
            (spec.Dkim?.Keys ?? []).Select(DnsName.Normalize).Distinct(StringComparer.Ordinal)
                .ToDictionary(s => s, _ => new DkimObservation(Texts(), Texts()), DnsName.Comparer),
            (spec.Dane?.Keys ?? []).Select(DnsName.Normalize).Distinct(StringComparer.Ordinal)
                .ToDictionary(h => h, _ => (Observation<IReadOnlyList<Records.TlsaRecord>>)new Unknown<IReadOnlyList<Records.TlsaRecord>>(reason), DnsName.Comparer),
            []);
    }

    /// <summary>The domains of <c>mailto:</c> rua/ruf destinations outside the domain (not it, not a parent, not a child).</summary>
    public static IReadOnlyList<string> ExternalReportDomains(string domain, DmarcSpec? dmarc)
    {
        if (dmarc is null)
        {
            return [];
        }

        var result = new List<string>();
        foreach (var tag in new[] { "rua", "ruf" })
        {
            if (!dmarc.Tags.TryGetValue(tag, out var value))
            {
                continue;
            }

            foreach (var uri in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var address = uri["mailto:".Length..];
                var at = address.LastIndexOf('@');
                if (at < 0)
                {
                    continue;
                }

                var host = address[(at + 1)..];
                var end = host.IndexOfAny(['!', '?']);
                host = DnsName.Normalize(end >= 0 ? host[..end] : host);
                var related = host == domain || host.EndsWith($".{domain}", StringComparison.Ordinal) || domain.EndsWith($".{host}", StringComparison.Ordinal);
                if (host.Length > 0 && !related && !result.Contains(host))
                {
                    result.Add(host);
                }
            }
        }

        return result;
    }

    private async Task<DkimObservation> DkimAsync(string name, CancellationToken ct)
    {
        var resolved = await dns.ResolveAsync(name, DnsClient.QueryType.TXT, ct).ConfigureAwait(false);
        var txt = DnsRecords.Txt(resolved.Records);
        Observation<IReadOnlyList<string>> chain = txt is Unknown<IReadOnlyList<string>> unknown
            ? new Unknown<IReadOnlyList<string>>(unknown.Reason)
            : new Found<IReadOnlyList<string>>(resolved.Chain);
        return new DkimObservation(chain, txt);
    }

    private async Task<Observation<SpfTree>?> SpfAsync(string domain, Task<Observation<IReadOnlyList<string>>> apex, CancellationToken ct)
    {
        var txt = await apex.ConfigureAwait(false);
        return await new SpfTreeWalker(dns, spf).WalkAsync(domain, txt, ct).ConfigureAwait(false);
    }

    private async Task<PolicyObservation?> PolicyAsync(
        string domain,
        MtaStsSpec? declared,
        Task<Observation<IReadOnlyList<string>>> mtaStsTxt,
        Task<Observation<IReadOnlyList<MxRecord>>> mx,
        CancellationToken ct)
    {
        if (declared is null && await mtaStsTxt.ConfigureAwait(false) is not Found<IReadOnlyList<string>>)
        {
            return null;
        }

        var host = $"mta-sts.{domain}";
        var addresses = await dns.AddressesAsync(host, ct).ConfigureAwait(false);
        if (addresses is not Found<IReadOnlyList<string>> found)
        {
            return new PolicyObservation(addresses, []);
        }

        string? key = null;
        if (cache is not null)
        {
            key = PolicyCache.Key(await mtaStsTxt.ConfigureAwait(false), await mx.ConfigureAwait(false), declared, found.Value);
            if (cache.TryGet(domain, key, run, out var cached))
            {
                return cached;
            }
        }

        var fetchedAt = (time ?? TimeProvider.System).GetUtcNow();
        var fetches = await Task.WhenAll(found.Value.Select(a => fetcher.FetchAsync(host, a, ct))).ConfigureAwait(false);
        var policy = new PolicyObservation(addresses, fetches);
        if (key is not null)
        {
            cache!.Store(domain, key, run, fetchedAt, policy);
        }

        return policy;
    }

    private static async Task<IReadOnlyDictionary<string, T>> AwaitAll<T>(Dictionary<string, Task<T>> tasks)
    {
        await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        return tasks.ToDictionary(p => p.Key, p => p.Value.Result, DnsName.Comparer);
    }
}
