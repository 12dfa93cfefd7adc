using Reconciler.Desired;

namespace Reconciler.Observe;

/// <summary>One observation run: the resolver seam with its per-run memo, and the policy fetcher.</summary>
internal sealed class ObserveRun(DnsLookup resolver, PolicyFetcher fetcher, LiveObserverOptions options)
{
    public Task<LiveDomain> ObserveAsync(DomainSpec spec, CancellationToken ct)
    {
        _ = options;
        return new DomainObservation(resolver, fetcher).ObserveAsync(spec, [], ct);
    }
}
