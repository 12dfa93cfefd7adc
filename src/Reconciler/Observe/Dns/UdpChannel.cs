using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Reconciler.Observe.Dns;

/// <summary>
/// One UDP socket connected to one DNS server, shared by many queries at once: each query is sent
/// with an id no other pending query holds, and one receive loop hands each answer to the query
/// with its id. Datagrams from any other address never reach a connected socket; answers with an
/// id nobody waits for (late, duplicated or forged) are dropped.
/// </summary>
internal sealed class UdpChannel : IDisposable
{
    /// <summary>Larger than any UDP answer (a server may send more than the advertised payload size).</summary>
    private const int ReceiveBufferSize = 65535;

    private readonly Socket socket;
    private readonly PendingQueries pending;
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private Task? receiving;

    /// <param name="server">The server.</param>
    /// <param name="timeout">How long a query waits for its answer.</param>
    /// <param name="time">The clock.</param>
    public UdpChannel(IPEndPoint server, TimeSpan timeout, TimeProvider time)
    {
        pending = new PendingQueries(gate, timeout, time);
        socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(server);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="query"/> under a fresh id (written into it); the task brings the answer
    /// with that id (in a pooled array: see <see cref="PendingQuery"/>), or fails with
    /// <see cref="TimeoutException"/>, <see cref="SocketException"/> (e.g. the server's port is
    /// closed) or <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<ArraySegment<byte>> ExchangeAsync(Memory<byte> query, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        PendingQuery waiter;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stop.IsCancellationRequested, this);
            receiving ??= ReceiveLoopAsync(stop.Token);
            waiter = pending.Add(ct);
        }

        BinaryPrimitives.WriteUInt16BigEndian(query.Span, waiter.Id);
        try
        {
            await socket.SendAsync(query, SocketFlags.None, ct).ConfigureAwait(false);
        }
        catch
        {
            pending.Forget(waiter);
            waiter.Cancellation.Unregister();
            throw;
        }

        return await waiter.Task.ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            stop.Cancel();
        }

        socket.Dispose();
        FailAll(new ObjectDisposedException(nameof(UdpChannel)));
        pending.Dispose();
        stop.Dispose();
    }


    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        await Task.Yield();
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize);
        while (!ct.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            }
            catch (SocketException e) when (!ct.IsCancellationRequested)
            {
                // An error reported for one of our datagrams (ICMP port or host unreachable, a firewall's
                // reject): it holds for every query waiting on this server; the socket itself still works.
                FailAll(e);
                continue;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                FailAll(new ObjectDisposedException(nameof(UdpChannel)));
                return;
            }

            if (DnsWire.IdOf(buffer.AsSpan(0, length)) is not { } id)
            {
                continue;
            }

            PendingQuery? waiter;
            lock (gate)
            {
                waiter = pending.Take(id);
            }

            waiter?.Answer(buffer.AsSpan(0, length));
        }
    }

    private void FailAll(Exception e)
    {
        List<PendingQuery> waiting;
        lock (gate)
        {
            waiting = pending.TakeAll();
        }

        foreach (var waiter in waiting)
        {
            waiter.Fail(e);
        }
    }
}
