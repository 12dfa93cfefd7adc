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
    private readonly PendingQueries pending = new();
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private Task? receiving;

    public UdpChannel(IPEndPoint server)
    {
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
    /// Sends <paramref name="query"/> under a fresh id (written into it) and waits up to
    /// <paramref name="timeout"/> for the answer with that id. Throws <see cref="TimeoutException"/>,
    /// <see cref="SocketException"/> (e.g. the server's port is closed) or <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<byte[]> ExchangeAsync(Memory<byte> query, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort id;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stop.IsCancellationRequested, this);
            receiving ??= ReceiveLoopAsync(stop.Token);
            id = pending.Add(waiter);
        }

        try
        {
            BinaryPrimitives.WriteUInt16BigEndian(query.Span, id);
            await socket.SendAsync(query, SocketFlags.None, ct).ConfigureAwait(false);
            return await waiter.Task.WaitAsync(timeout, time, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (gate)
            {
                pending.Remove(id, waiter);
            }
        }
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

            TaskCompletionSource<byte[]>? waiter;
            lock (gate)
            {
                waiter = pending.Take(id);
                if (waiter is null)
                {
                    continue;
                }
            }

            waiter.TrySetResult(buffer.AsSpan(0, length).ToArray());
        }
    }

    private void FailAll(Exception e)
    {
        List<TaskCompletionSource<byte[]>> waiting;
        lock (gate)
        {
            waiting = pending.TakeAll();
        }

        foreach (var waiter in waiting)
        {
            waiter.TrySetException(e);
        }
    }
}
