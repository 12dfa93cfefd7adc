using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Reconciler.Observe.Dns;

/// <summary>
/// The queries waiting for an answer on one socket, by id. Each query gets an id drawn from the
/// system's cryptographic generator (in batches) that no other waiting query holds. Not
/// thread-safe: the channel that owns it calls it under its own lock.
/// </summary>
internal sealed class PendingQueries
{
    private readonly Dictionary<ushort, TaskCompletionSource<byte[]>> waiting = [];
    private readonly byte[] ids = new byte[2 * 1024];
    private int nextId = int.MaxValue;

    /// <summary>Registers <paramref name="waiter"/> under a fresh id and returns the id.</summary>
    public ushort Add(TaskCompletionSource<byte[]> waiter)
    {
        ushort id;
        do
        {
            id = NextRandomId();
        }
        while (!waiting.TryAdd(id, waiter));

        return id;
    }

    /// <summary>Forgets <paramref name="waiter"/> (done, timed out or cancelled), unless its id already went to another query.</summary>
    public void Remove(ushort id, TaskCompletionSource<byte[]> waiter)
    {
        if (waiting.TryGetValue(id, out var registered) && ReferenceEquals(registered, waiter))
        {
            waiting.Remove(id);
        }
    }

    /// <summary>The query waiting under <paramref name="id"/>, taken out; null for an id nobody waits for (late, duplicated or forged).</summary>
    public TaskCompletionSource<byte[]>? Take(ushort id) => waiting.Remove(id, out var waiter) ? waiter : null;

    /// <summary>Every waiting query, taken out (to fail them together).</summary>
    public List<TaskCompletionSource<byte[]>> TakeAll()
    {
        List<TaskCompletionSource<byte[]>> all = [.. waiting.Values];
        waiting.Clear();
        return all;
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
