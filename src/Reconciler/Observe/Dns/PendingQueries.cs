using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Reconciler.Observe.Dns;

/// <summary>
/// The queries waiting for an answer on one socket, by id, and their deadlines. Each query gets an id
/// drawn from the system's cryptographic generator (in batches) that no other waiting query holds.
/// Every query waits the same time, so deadlines fall in the order queries were asked: one timer,
/// set for the oldest waiting query, times them all out (instead of a timer per query). Guarded by
/// the owning channel's lock (<see cref="Gate"/>): <see cref="Add"/>, <see cref="Take"/> and
/// <see cref="TakeAll"/> are called under it; queries taken out are completed outside it.
/// </summary>
internal sealed class PendingQueries : IDisposable
{
    private readonly Dictionary<ushort, PendingQuery> waiting = [];
    private readonly Queue<PendingQuery> byAge = new();
    private readonly byte[] ids = new byte[2 * 1024];
    private readonly TimeSpan timeout;
    private readonly TimeProvider time;
    private readonly Action<long>? timedOut;
    private ITimer? timer;
    private bool armed;
    private int nextId = int.MaxValue;

    /// <param name="gate">The owning channel's lock.</param>
    /// <param name="timeout">How long each query waits for its answer.</param>
    /// <param name="time">The clock.</param>
    /// <param name="timedOut">Called (outside the lock) when queries timed out, before they are failed, with when the latest of them was asked.</param>
    public PendingQueries(Lock gate, TimeSpan timeout, TimeProvider time, Action<long>? timedOut = null)
    {
        Gate = gate;
        this.timeout = timeout;
        this.time = time;
        this.timedOut = timedOut;
    }

    public Lock Gate { get; }

    /// <summary>How many queries wait for their answer (read under <see cref="Gate"/>).</summary>
    public int Count => waiting.Count;

    /// <summary>
    /// Registers a new query under a fresh id (call under <see cref="Gate"/>); it fails with
    /// <see cref="TimeoutException"/> when no answer is handed to it in time, and is cancelled with
    /// <paramref name="ct"/>.
    /// </summary>
    public PendingQuery Add(CancellationToken ct)
    {
        var query = new PendingQuery(this, time.GetTimestamp(), ct);
        ushort id;
        do
        {
            id = NextRandomId();
        }
        while (!waiting.TryAdd(id, query));

        query.Id = id;
        while (byAge.TryPeek(out var oldest) && oldest.Settled)
        {
            byAge.Dequeue();
        }

        byAge.Enqueue(query);
        if (!armed)
        {
            armed = true;
            timer ??= time.CreateTimer(static s => ((PendingQueries)s!).Sweep(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }

        if (ct.CanBeCanceled)
        {
            query.Cancellation = ct.UnsafeRegister(static s => ((PendingQuery)s!).Cancel(), query);
        }

        return query;
    }

    /// <summary>The query waiting under <paramref name="id"/>, taken out; null for an id nobody waits for (late, duplicated or forged).</summary>
    public PendingQuery? Take(ushort id)
    {
        if (!waiting.Remove(id, out var query))
        {
            return null;
        }

        query.Settled = true;
        return query;
    }

    /// <summary>Every waiting query, taken out (to fail them together).</summary>
    public List<PendingQuery> TakeAll()
    {
        List<PendingQuery> all = [.. waiting.Values];
        waiting.Clear();
        byAge.Clear();
        foreach (var query in all)
        {
            query.Settled = true;
        }

        return all;
    }

    public void Dispose()
    {
        lock (Gate)
        {
            timer?.Dispose();
            timer = null;
        }
    }

    /// <summary>Forgets a cancelled query, unless its id already went to another one.</summary>
    internal void Forget(PendingQuery query)
    {
        lock (Gate)
        {
            if (!query.Settled && waiting.TryGetValue(query.Id, out var registered) && ReferenceEquals(registered, query))
            {
                waiting.Remove(query.Id);
                query.Settled = true;
            }
        }
    }

    /// <summary>The timer's work: times out every query past its deadline and sets the timer for the next one.</summary>
    private void Sweep()
    {
        List<PendingQuery>? expired = null;
        long latestAsked = 0;
        lock (Gate)
        {
            armed = false;
            var now = time.GetTimestamp();
            while (byAge.TryPeek(out var oldest))
            {
                if (oldest.Settled)
                {
                    byAge.Dequeue();
                    continue;
                }

                var left = timeout - time.GetElapsedTime(oldest.Asked, now);
                if (left > TimeSpan.Zero)
                {
                    armed = true;
                    timer?.Change(left, Timeout.InfiniteTimeSpan);
                    break;
                }

                byAge.Dequeue();
                waiting.Remove(oldest.Id);
                oldest.Settled = true;
                latestAsked = oldest.Asked;
                (expired ??= []).Add(oldest);
            }
        }

        if (expired is null)
        {
            return;
        }

        // Retire a silent connection before failing anyone: their retries must go out on a new one.
        timedOut?.Invoke(latestAsked);
        foreach (var query in expired)
        {
            query.Fail(new TimeoutException($"no answer within {timeout.TotalSeconds:0.###} s"));
        }
    }

    private ushort NextRandomId()
    {
        if (nextId >= ids.Length)
        {
            RandomNumberGenerator.Fill(ids);
            nextId = 0;
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(ids.AsSpan(nextId));
        nextId += 2;
        return id;
    }
}
