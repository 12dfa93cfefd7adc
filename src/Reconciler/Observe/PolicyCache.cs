using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Reconciler.Desired;
using Reconciler.Records;

namespace Reconciler.Observe;

/// <summary>
/// The daemon's policy cadence: the last good policy observation of each domain, reused while the
/// things it depends on are unchanged (the live <c>_mta-sts</c> TXT and so its id, the live MX set,
/// the declared policy and the policy host's addresses) and <see cref="Cadence"/> has not elapsed.
/// DNS is still asked every cycle: only the TLS fetch is skipped. Only observations where every
/// address answered 200 with a policy are kept; anything else is fetched again next time. An entry
/// serves later runs only (<see cref="BeginRun"/>), never the run that stored it.
/// </summary>
internal sealed class PolicyCache(TimeProvider time, TimeSpan cadence)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long run;

    public TimeSpan Cadence { get; } = cadence;

    public int Count => entries.Count;

    /// <summary>Starts a run: entries stored from now on serve only runs begun after this one.</summary>
    public long BeginRun() => Interlocked.Increment(ref run);

    /// <summary>The cached observation of <paramref name="domain"/> when its key is unchanged, it is fresh and from an earlier run.</summary>
    public bool TryGet(string domain, string key, long currentRun, out PolicyObservation policy)
    {
        if (entries.TryGetValue(domain, out var entry) && entry.Run < currentRun && entry.Key == key && time.GetUtcNow() - entry.FetchedAt < Cadence)
        {
            policy = entry.Policy;
            return true;
        }

        policy = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="policy"/> when every fetch succeeded; forgets the domain otherwise.</summary>
    public void Store(string domain, string key, long currentRun, DateTimeOffset fetchedAt, PolicyObservation policy)
    {
        if (Cadence > TimeSpan.Zero && policy.Fetches.Count > 0 && policy.Fetches.All(f => f.Status == PolicyFetchStatus.Ok))
        {
            entries[domain] = new Entry(key, currentRun, fetchedAt, policy);
        }
        else
        {
            entries.TryRemove(domain, out _);
        }
    }

    /// <summary>Drops entries past their cadence (domains no longer declared go this way).</summary>
    public void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (domain, entry) in entries)
        {
            if (now - entry.FetchedAt >= Cadence)
            {
                entries.TryRemove(new KeyValuePair<string, Entry>(domain, entry));
            }
        }
    }

    /// <summary>
    /// What a policy observation depends on, as one string: the live <c>_mta-sts</c> TXT records, the
    /// live MX set, the declared policy and the policy host's addresses (each order-independent).
    /// </summary>
    public static string Key(
        Observation<IReadOnlyList<string>> mtaStsTxt,
        Observation<IReadOnlyList<MxRecord>> mx,
        MtaStsSpec? declared,
        IReadOnlyList<string> addresses)
    {
        var key = new StringBuilder(256);
        Append(key, mtaStsTxt, t => t);
        key.Append('\n');
        Append(key, mx, m => string.Create(CultureInfo.InvariantCulture, $"{m.Preference} {DnsName.Normalize(m.Host)}"));
        key.Append('\n');
        if (declared is null)
        {
            key.Append('-');
        }
        else
        {
            key.Append(declared.Mode).Append(' ').Append(declared.MaxAge.ToString(CultureInfo.InvariantCulture));
            foreach (var pattern in declared.MxPatterns)
            {
                key.Append(' ').Append(pattern);
            }
        }

        key.Append('\n');
        foreach (var address in addresses.Order(StringComparer.Ordinal))
        {
            key.Append(address).Append(' ');
        }

        return key.ToString();
    }

    private static void Append<T>(StringBuilder key, Observation<IReadOnlyList<T>> observation, Func<T, string> text)
    {
        switch (observation)
        {
            case Found<IReadOnlyList<T>> found:
                foreach (var item in found.Value.Select(text).Order(StringComparer.Ordinal))
                {
                    key.Append(item).Append('\t');
                }

                break;
            case Absent<IReadOnlyList<T>>:
                key.Append("absent");
                break;
            default:
                key.Append("unknown");
                break;
        }
    }

    private sealed record Entry(string Key, long Run, DateTimeOffset FetchedAt, PolicyObservation Policy);
}
