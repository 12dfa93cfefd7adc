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
        policies.Prune();
        using var servers = new ServerTransports(options, time);
        var run = NewRun(servers);
        var started = time.GetTimestamp();
        var (queries, fetches) = (DnsQueries, HttpsFetches);
        var results = new LiveDomain[specs.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, specs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (i, token) =>
            {
                try
                {
                    results[i] = await run.ObserveAsync(specs[i], token).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // A fault in one domain's observation (a bug) must not stop the others: it is undecided.
                    logger.LogError(e, "Observing {Domain} failed", specs[i].Domain);
                    results[i] = DomainObservation.Undecided(specs[i], $"observing {specs[i].Domain} failed ({e.GetType().Name}: {e.Message})");
                }
            }).ConfigureAwait(false);
        logger.LogInformation(
            "Observed {Domains} domains in {ElapsedMs} ms: {Queries} DNS queries, {Fetches} policy fetches",
            specs.Count,
            (long)time.GetElapsedTime(started).TotalMilliseconds,
            DnsQueries - queries,
            HttpsFetches - fetches);
        return results;
    }

    public void Dispose()
    {
        fetcher.Dispose();
        resolvers.Dispose();
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
            endPoint => new DnsLookup(servers.For(endPoint), $"{endPoint} (no recursion)", counters, memo), policies, time);
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
