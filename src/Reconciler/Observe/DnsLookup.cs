using System.Collections.Concurrent;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Reconciler.Observe.Dns;
using Reconciler.Records;

namespace Reconciler.Observe;

/// <summary>
/// The DNS seam: asks one server set through a <see cref="DnsTransport"/> and turns each
/// response into Found / Absent (NXDOMAIN, NODATA) / Unknown (anything undecided, with the server
/// and the reason). CNAME chains are followed here (at most <see cref="MaxCnameHops"/> hops).
/// Identical queries within one run are sent once (<see cref="DnsMemo"/>): the memo holds the task per
/// (server set, name, type) and may be shared by several lookups of one run.
/// </summary>
internal sealed partial class DnsLookup
{
    public const int MaxCnameHops = 8;

    private readonly DnsTransport transport;
    private readonly DnsMemo memo;
    private readonly DnsMemo.Scope? scope;
    private readonly ObserveCounters counters;
    private readonly DnsLookup? outside;
    private readonly string? zone;
    private readonly ConcurrentQueue<(string Name, QueryType Type)>? log;

    public DnsLookup(
        DnsTransport transport,
        string servers,
        ObserveCounters counters,
        DnsMemo? memo = null)
    {
        this.transport = transport;
        Servers = servers;
        this.counters = counters;
        this.memo = memo ?? new();
    }

    private DnsLookup(DnsLookup server, DnsLookup outside, string zone, ConcurrentQueue<(string Name, QueryType Type)>? log)
        : this(server.transport, server.Servers, server.counters, server.memo)
    {
        this.outside = outside;
        this.zone = zone;
        this.log = log;
        scope = server.scope;
    }

    private DnsLookup(DnsLookup view, DnsMemo.Scope scope)
        : this(view.transport, view.Servers, view.counters, view.memo)
    {
        outside = view.outside;
        zone = view.zone;
        log = view.log;
        this.scope = scope;
    }

    /// <summary>
    /// This view with answers for names at or under <paramref name="domain"/> kept in the domain's own
    /// scope of the memo; call <see cref="ReleaseScope"/> when the domain's observation ends.
    /// </summary>
    public DnsLookup ScopedTo(string domain) => new(this, memo.Acquire(DnsName.Normalize(domain)));

    /// <summary>Leaves the scope entered by <see cref="ScopedTo"/> (its answers go when no one else observes the domain).</summary>
    public void ReleaseScope()
    {
        if (scope is not null)
        {
            memo.Release(scope);
        }
    }

    /// <summary>A readable name of the server set ("127.0.0.1:53", "system resolvers").</summary>
    public string Servers { get; }

    public static string Describe(IReadOnlyList<IPEndPoint> servers) =>
        servers.Count == 0 ? "system resolvers" : string.Join(",", servers.Select(s => s.ToString()));

    /// <summary>
    /// A view that asks this server set for names at or under <paramref name="zoneName"/> (noting each
    /// such question in <paramref name="questions"/>) and <paramref name="resolver"/> for every other name.
    /// </summary>
    public DnsLookup ForZone(string zoneName, DnsLookup resolver, ConcurrentQueue<(string Name, QueryType Type)>? questions) =>
        new(this, resolver, DnsName.Normalize(zoneName), questions);

    /// <summary>One query, memoised for the run.</summary>
    public Task<RawAnswer> QueryRawAsync(string name, QueryType type, CancellationToken ct)
    {
        var normalized = DnsName.Normalize(name);
        if (zone is not null && outside is not null)
        {
            if (normalized != zone && !normalized.EndsWith($".{zone}", StringComparison.Ordinal))
            {
                return outside.QueryRawAsync(normalized, type, ct);
            }

            log?.Enqueue((normalized, type));
        }

        var answer = memo.GetOrAdd(scope, (Servers, normalized, type), out var promise);
        if (promise is not null)
        {
            _ = SendAsync(normalized, type, promise, ct);
        }

        return answer;
    }

    /// <summary>Asks for <paramref name="name"/>/<paramref name="type"/> and follows CNAMEs to the records.</summary>
    /// <remarks>A <see cref="ValueTask{TResult}"/>: an answer already in the memo resolves at once, without a task.</remarks>
    public async ValueTask<Resolved> ResolveAsync(string name, QueryType type, CancellationToken ct)
    {
        var current = DnsName.Normalize(name);
        List<string>? chain = null;
        while (true)
        {
            var raw = await QueryRawAsync(current, type, ct).ConfigureAwait(false);
            if (raw.Error is not null)
            {
                return new Resolved(chain ?? [], new Unknown<IReadOnlyList<DnsResourceRecord>>(raw.Error));
            }

            var asked = current;
            while (type != QueryType.CNAME && CnameAt(raw.Records, current) is { } cname)
            {
                var target = DnsName.Normalize(cname.CanonicalName.Value);
                chain ??= [];
                if (target == DnsName.Normalize(name) || chain.Contains(target))
                {
                    chain.Add(target);
                    return new Resolved(chain, new Unknown<IReadOnlyList<DnsResourceRecord>>(
                        $"CNAME loop at {target} (from {name}) via {raw.Server}"));
                }

                chain.Add(target);
                if (chain.Count > MaxCnameHops)
                {
                    return new Resolved(chain, new Unknown<IReadOnlyList<DnsResourceRecord>>(
                        $"CNAME chain from {name} longer than {MaxCnameHops} hops via {raw.Server}"));
                }

                current = target;
            }

            if (Matching(raw.Records, type, current) is { } matching)
            {
                return new Resolved(chain ?? [], new Found<IReadOnlyList<DnsResourceRecord>>(matching));
            }

            if (raw.NxDomain)
            {
                return new Resolved(chain ?? [], new Absent<IReadOnlyList<DnsResourceRecord>>(AbsenceKind.NxDomain));
            }

            if (current == asked)
            {
                return new Resolved(chain ?? [], new Absent<IReadOnlyList<DnsResourceRecord>>(AbsenceKind.NoData));
            }

            // The chain left this response without data (an authoritative server for another zone): ask again at its end.
        }
    }

    /// <summary>
    /// The records of <paramref name="type"/> at <paramref name="owner"/>, null when there are none;
    /// the answer's own list when every record is one (the usual case: no copy).
    /// </summary>
    private static IReadOnlyList<DnsResourceRecord>? Matching(IReadOnlyList<DnsResourceRecord> records, QueryType type, string owner)
    {
        var count = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (Matches(records[i]))
            {
                count++;
            }
        }

        if (count == 0 || count == records.Count)
        {
            return count == 0 ? null : records;
        }

        var matching = new List<DnsResourceRecord>(count);
        for (var i = 0; i < records.Count; i++)
        {
            if (Matches(records[i]))
            {
                matching.Add(records[i]);
            }
        }

        return matching;

        bool Matches(DnsResourceRecord record) =>
            (int)record.RecordType == (int)type && SameName(record.DomainName.Value, owner);
    }

    private static CNameRecord? CnameAt(IReadOnlyList<DnsResourceRecord> records, string owner)
    {
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is CNameRecord cname && SameName(cname.DomainName.Value, owner))
            {
                return cname;
            }
        }

        return null;
    }

    /// <summary>A name as it came off the wire (any case, trailing dot) against a normalised one, without copying either.</summary>
    private static bool SameName(string wire, string normalized)
    {
        var span = wire.AsSpan();
        if (span.EndsWith('.'))
        {
            span = span[..^1];
        }

        return span.Equals(normalized, StringComparison.OrdinalIgnoreCase);
    }
}
