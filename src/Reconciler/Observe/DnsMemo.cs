using System.Collections.Concurrent;
using DnsClient;

namespace Reconciler.Observe;

/// <summary>
/// One run's memo of DNS answers: identical queries are sent once (one task per (server set, name,
/// type), never two even when asked at the same instant). Names at or under a domain being observed,
/// and its DMARC report authorisations (<c>domain._report._dmarc.reports.example</c>, asked only for
/// it), live in that domain's scope and are dropped when its last observation ends; other names
/// (shared SPF includes, provider hosts) live for the whole run. A fleet-sized run so keeps only what
/// is shared.
/// </summary>
internal sealed class DnsMemo(int maxInFlight = DnsMemo.DefaultMaxInFlight)
{
    /// <summary>
    /// Queries of one run waiting for an answer at once. Bursts beyond what a server's UDP receive
    /// buffer holds are dropped by the kernel and each drop costs a whole timeout; measured with
    /// bench/ against Knot, 128 keeps drops at zero without lowering throughput.
    /// </summary>
    public const int DefaultMaxInFlight = 128;

    /// <summary>
    /// In flight when the resolvers are asked over pipelined TCP, where nothing is dropped: a bound
    /// against a runaway, not a throttle (64 domains at once ask about 800 questions).
    /// </summary>
    public const int MaxInFlightOverTcp = 1024;

    private readonly ConcurrentDictionary<(string Servers, string Name, QueryType Type), Task<RawAnswer>> shared = new();
    private readonly Dictionary<string, Scope> scopes = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Bounds the queries in flight (see <see cref="DefaultMaxInFlight"/>).</summary>
    public SemaphoreSlim InFlight { get; } = new(maxInFlight, maxInFlight);

    /// <summary>Answers kept for the whole run (for tests).</summary>
    public int SharedCount => shared.Count;

    /// <summary>
    /// The answer to <paramref name="key"/> asked before (or being asked now), with
    /// <paramref name="promise"/> null; or, the first time, a new <paramref name="promise"/> whose task
    /// is returned: the caller sends the query and completes it (whatever happens, exactly once).
    /// </summary>
    public Task<RawAnswer> GetOrAdd(Scope? scope, (string Servers, string Name, QueryType Type) key, out TaskCompletionSource<RawAnswer>? promise)
    {
        var memo = scope is not null && scope.Covers(key.Name) ? scope.Answers : shared;
        if (memo.TryGetValue(key, out var known))
        {
            promise = null;
            return known;
        }

        var fresh = new TaskCompletionSource<RawAnswer>();
        var task = memo.GetOrAdd(key, fresh.Task);
        promise = ReferenceEquals(task, fresh.Task) ? fresh : null;
        return task;
    }

    /// <summary>Enters <paramref name="domain"/>'s scope (shared by concurrent observations of it).</summary>
    public Scope Acquire(string domain)
    {
        lock (gate)
        {
            if (!scopes.TryGetValue(domain, out var scope))
            {
                scopes[domain] = scope = new Scope(domain);
            }

            scope.Users++;
            return scope;
        }
    }

    /// <summary>Leaves a scope; the last one out drops its answers.</summary>
    public void Release(Scope scope)
    {
        lock (gate)
        {
            if (--scope.Users == 0)
            {
                scopes.Remove(scope.Domain);
            }
        }
    }

    internal sealed class Scope(string domain)
    {
        private readonly string suffix = "." + domain;
        private readonly string reportPrefix = domain + "._report._dmarc.";

        public string Domain { get; } = domain;

        public int Users { get; set; }

        /// <summary>A domain's own answers: a dozen, asked by one observation (or a few at once).</summary>
        public ConcurrentDictionary<(string Servers, string Name, QueryType Type), Task<RawAnswer>> Answers { get; } = new(concurrencyLevel: 1, capacity: 16);

        public bool Covers(string name) =>
            name == Domain || name.EndsWith(suffix, StringComparison.Ordinal) || name.StartsWith(reportPrefix, StringComparison.Ordinal);
    }
}
