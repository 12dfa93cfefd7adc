using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using Reconciler.Desired;

namespace Reconciler.Observe;

/// <summary>
/// One observation run: the resolver seam with its per-run memo, the policy fetcher and, with
/// --authoritative, one recursion-off lookup per NS server address (sharing the memo).
/// </summary>
internal sealed class ObserveRun(
    DnsLookup resolver, PolicyFetcher fetcher, LiveObserverOptions options, Func<IPEndPoint, DnsLookup> serverLookup, PolicyCache? cache = null, TimeProvider? time = null)
{
    private readonly long run = cache?.BeginRun() ?? 0;
    private readonly SpfParseMemo spf = new();

    public async Task<LiveDomain> ObserveAsync(DomainSpec spec, CancellationToken ct)
    {
        if (!options.Authoritative)
        {
            return await ScopedAsync(resolver, spec, ct).ConfigureAwait(false);
        }

        var authoritative = new AuthoritativeServers(resolver, serverLookup, options.AuthoritativePort);
        var found = await authoritative.FindAsync(spec.Domain, ct).ConfigureAwait(false);
        if (found is not { } zone)
        {
            // No NS servers could be found: the resolver's view is the observation.
            return await ScopedAsync(resolver, spec, ct).ConfigureAwait(false);
        }

        var questions = new ConcurrentQueue<(string Name, QueryType Type)>();
        var first = serverLookup(zone.Servers[0].EndPoint).ForZone(zone.Zone, resolver, questions);
        var live = await ScopedAsync(first, spec, ct).ConfigureAwait(false);
        if (zone.Servers.Count < 2)
        {
            return live;
        }

        var disagreements = await authoritative.CompareAsync(zone.Zone, zone.Servers, questions, ct).ConfigureAwait(false);
        return live with { NsDisagreements = disagreements };
    }

    /// <summary>Observes one domain with its own names' answers in the domain's memo scope, dropped afterwards.</summary>
    private async Task<LiveDomain> ScopedAsync(DnsLookup dns, DomainSpec spec, CancellationToken ct)
    {
        var scoped = dns.ScopedTo(spec.Domain);
        try
        {
            return await new DomainObservation(scoped, fetcher, cache, run, time, spf).ObserveAsync(spec, [], ct).ConfigureAwait(false);
        }
        finally
        {
            scoped.ReleaseScope();
        }
    }
}
