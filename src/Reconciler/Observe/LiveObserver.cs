using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reconciler.Desired;

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
    private readonly LookupClient client;
    private readonly PolicyFetcher fetcher;
    private readonly ObserveCounters counters = new();
    private readonly ConcurrentDictionary<IPEndPoint, LookupClient> serverClients = new();
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
        client = DnsLookup.CreateClient(options.Resolvers, options.Timeout, options.DnsRetries, recursion: true);
        fetcher = new PolicyFetcher(options, this.time, counters);
    }

    /// <summary>DNS queries sent so far (memoised repeats not counted).</summary>
    public long DnsQueries => counters.DnsQueries;

    /// <summary>Policy fetch attempts made so far (a retry counts).</summary>
    public long HttpsFetches => counters.HttpsFetches;

    public Task<LiveDomain> ObserveAsync(DomainSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return NewRun().ObserveAsync(spec, ct);
    }

    public async Task<IReadOnlyList<LiveDomain>> ObserveAllAsync(IReadOnlyList<DomainSpec> specs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var run = NewRun();
        var started = time.GetTimestamp();
        var (queries, fetches) = (DnsQueries, HttpsFetches);
        var results = new LiveDomain[specs.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, specs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (i, token) => results[i] = await run.ObserveAsync(specs[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        logger.LogInformation(
            "Observed {Domains} domains in {ElapsedMs} ms: {Queries} DNS queries, {Fetches} policy fetches",
            specs.Count,
            (long)time.GetElapsedTime(started).TotalMilliseconds,
            DnsQueries - queries,
            HttpsFetches - fetches);
        return results;
    }

    public void Dispose() => fetcher.Dispose();

    private ObserveRun NewRun()
    {
        var memo = new ConcurrentDictionary<(string, string, QueryType), Lazy<Task<RawAnswer>>>();
        var resolver = new DnsLookup(client, DnsLookup.Describe(options.Resolvers), counters, memo);
        return new ObserveRun(resolver, fetcher, options, endPoint => new DnsLookup(ServerClient(endPoint), endPoint.ToString(), counters, memo));
    }

    private LookupClient ServerClient(IPEndPoint endPoint) =>
        serverClients.GetOrAdd(endPoint, e => DnsLookup.CreateClient([e], options.Timeout, options.DnsRetries, recursion: false));
}
