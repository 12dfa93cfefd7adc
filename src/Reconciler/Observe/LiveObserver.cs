using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reconciler.Desired;
using Reconciler.Observe.Dns;

namespace Reconciler.Observe;

/// <summary>
/// Observes the live DNS records and the published MTA-STS policy of domains. Each call is one run:
/// identical DNS queries within a run are sent once. Unknown is never turned into Absent; a
/// cancelled run throws <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// <see cref="LiveDomain.SpfTree"/> is Absent when the apex has no <c>v=spf1</c> record and Unknown
/// when the apex or any lookup in the tree was undecided. <see cref="LiveDomain.Policy"/> is null
/// only when MTA-STS is not managed and no <c>_mta-sts</c> TXT was found (or it was undecided).
/// DKIM <see cref="DkimObservation.CnameChain"/> is Found (possibly empty) whenever the lookup was
/// decided, Unknown otherwise. Dictionaries are keyed by normalised names, compared case-insensitively.
/// </remarks>
public sealed class LiveObserver : IDisposable
{
    private readonly LiveObserverOptions options;
    private readonly DnsTransport resolvers;
    private readonly PolicyFetcher fetcher;
    private readonly PolicyCache policies;
    private readonly ObserveCounters counters = new();
    private readonly TimeProvider time;
    private readonly ILogger logger;

    public LiveObserver(LiveObserverOptions options, TimeProvider? time = null, ILogger<LiveObserver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        this.options = options;
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<LiveObserver>.Instance;
        resolvers = new DnsTransport(
            options.Resolvers.Count > 0 ? options.Resolvers : DnsTransport.SystemResolvers(),
            new DnsTransportOptions(options.Timeout, options.DnsRetries, Recursion: true, options.DnsProtocol),
            this.time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PolicyCadence, TimeSpan.Zero);
        fetcher = new PolicyFetcher(options, this.time, counters);
        policies = new PolicyCache(this.time, options.PolicyCadence);
    }

    /// <summary>DNS queries sent so far (memoised repeats not counted).</summary>
    public long DnsQueries => counters.DnsQueries;

    /// <summary>Policy fetch attempts made so far (a retry counts).</summary>
    public long HttpsFetches => counters.HttpsFetches;

    /// <summary>Domains whose last good policy is kept for the next runs (see <see cref="LiveObserverOptions.PolicyCadence"/>).</summary>
    public int CachedPolicies => policies.Count;

    public async Task<LiveDomain> ObserveAsync(DomainSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var servers = new ServerTransports(options, time);
        return await NewRun(servers).ObserveAsync(spec, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LiveDomain>> ObserveAllAsync(IReadOnlyList<DomainSpec> specs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var results = new LiveDomain[specs.Count];
        await ObserveEachAsync(Enumerable.Range(0, specs.Count).ToAsyncEnumerable(), i => specs[i], (i, live) => results[i] = live, ct).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// One run over domains as they arrive (the loader hands them over while it still reads the rest):
    /// <paramref name="observed"/> is called once per domain, on the worker that observed it, as soon as
    /// its observation is complete, so the caller can plan it while others are still being observed.
    /// </summary>
    public Task ObserveEachAsync(IAsyncEnumerable<DomainSpec> specs, Action<DomainSpec, LiveDomain> observed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(observed);
        return ObserveEachAsync(specs, spec => spec, observed, ct);
    }

    public void Dispose()
    {
        fetcher.Dispose();
        resolvers.Dispose();
    }

    /// <summary>One observation run (one memo, one set of NS transports) over <paramref name="items"/>, with its totals logged.</summary>
    private async Task ObserveEachAsync<T>(IAsyncEnumerable<T> items, Func<T, DomainSpec> specOf, Action<T, LiveDomain> observed, CancellationToken ct)
    {
        policies.Prune();
        using var servers = new ServerTransports(options, time);
        var run = NewRun(servers);
        var started = time.GetTimestamp();
        var (queries, fetches) = (DnsQueries, HttpsFetches);
        var domains = 0;
        await Parallel.ForEachAsync(
            items,
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (item, token) =>
            {
                observed(item, await ObserveOneAsync(run, specOf(item), ct, token).ConfigureAwait(false));
                Interlocked.Increment(ref domains);
            }).ConfigureAwait(false);
        logger.LogInformation(
            "Observed {Domains} domains in {ElapsedMs} ms: {Queries} DNS queries, {Fetches} policy fetches",
            domains,
            (long)time.GetElapsedTime(started).TotalMilliseconds,
            DnsQueries - queries,
            HttpsFetches - fetches);
    }

    private async Task<LiveDomain> ObserveOneAsync(ObserveRun run, DomainSpec spec, CancellationToken ct, CancellationToken token)
    {
        try
        {
            return await run.ObserveAsync(spec, token).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && !token.IsCancellationRequested)
        {
            // A fault in one domain's observation (a bug) must not stop the others: it is undecided.
            // (A cancelled iteration token means the run is ending: another domain's callback failed.)
            logger.LogError(e, "Observing {Domain} failed", spec.Domain);
            return DomainObservation.Undecided(spec, $"observing {spec.Domain} failed ({e.GetType().Name}: {e.Message})");
        }
    }

    private ObserveRun NewRun(ServerTransports servers)
    {
        // A wider --concurrency asks for more in flight (and keeps a dead server's timeouts from queueing).
        var memo = new DnsMemo(options.DnsProtocol == DnsProtocol.Tcp && !options.Authoritative
            ? DnsMemo.MaxInFlightOverTcp
            : Math.Max(DnsMemo.DefaultMaxInFlight, 2 * options.Concurrency));
        var resolver = new DnsLookup(resolvers, DnsLookup.Describe(options.Resolvers), counters, memo);
        return new ObserveRun(resolver, fetcher, options,
            // "(no recursion)" keeps these answers apart from the resolver's in the memo when a resolver is also an NS server.
            endPoint => new DnsLookup(servers.For(endPoint), $"{endPoint} (no recursion)", counters, memo),
            // Without a cadence nothing is reused: no cache, no key per domain.
            options.PolicyCadence > TimeSpan.Zero ? policies : null,
            time);
    }

    /// <summary>The recursion-off transports to a run's NS server addresses (--authoritative), closed when the run ends.</summary>
    private sealed class ServerTransports(LiveObserverOptions options, TimeProvider time) : IDisposable
    {
        private readonly ConcurrentDictionary<IPEndPoint, Lazy<DnsTransport>> transports = new();

        public DnsTransport For(IPEndPoint endPoint) =>
            transports.GetOrAdd(endPoint, e => new Lazy<DnsTransport>(() =>
                new DnsTransport([e], new DnsTransportOptions(options.Timeout, options.DnsRetries, Recursion: false, DnsProtocol.Udp, UdpSockets: 1), time))).Value;

        public void Dispose()
        {
            foreach (var transport in transports.Values.Where(t => t.IsValueCreated))
            {
                transport.Value.Dispose();
            }
        }
    }
}
