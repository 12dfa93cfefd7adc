using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Reconciler.Observe.Dns;

/// <summary>
/// One TCP connection to one DNS server carrying many queries at once (RFC 7766 §6.2.1.1
/// pipelining): queries waiting to be written go out together in one write, answers are read in
/// whatever order the server sends them and handed over by id. A broken connection fails what was
/// waiting on it; the next query opens a new one. A connection quiet for <see cref="IdleLimit"/> is
/// closed and not written to again (RFC 7766 §6.2.3: servers and middleboxes drop idle connections,
/// some without a word; a client should not hold one it does not use): the next query opens a new one.
/// </summary>
internal sealed partial class TcpChannel : IDisposable
{
    /// <summary>How long a connection may stay quiet and still be used (Knot and BIND close idle ones after 10 s or more).</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(5);

    /// <summary>How often a connection checks for a held-back ACK, or that it has been quiet too long (<see cref="AckNudge"/>).</summary>
    private static readonly TimeSpan AckNudgeEvery = TimeSpan.FromMilliseconds(5);

    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] QuickAckOn = BitConverter.GetBytes(1);

    private readonly IPEndPoint server;
    private readonly TimeSpan connectTimeout;
    private readonly TimeProvider time;
    private readonly PendingQueries pending;
    private readonly Lock gate = new();
    private OutboxBuffer outbox = new();
    private OutboxBuffer sending = new();
    private Connection? connection;
    private bool writing;
    private bool disposed;
    private int closedAfterOneAnswer;
    private bool everAnswered;

    /// <param name="server">The server.</param>
    /// <param name="timeout">How long a query waits for its answer, and a connection may take to open.</param>
    /// <param name="time">The clock.</param>
    public TcpChannel(IPEndPoint server, TimeSpan timeout, TimeProvider time)
    {
        this.server = server;
        connectTimeout = timeout;
        this.time = time;
        pending = new PendingQueries(gate, timeout, time, RetireIfSilent);
    }

    /// <summary>
    /// Connections the server ended, with queries waiting, after answering at most one: the mark of a
    /// server that takes one question per connection and does not pipeline.
    /// </summary>
    public int ClosedAfterOneAnswer => Volatile.Read(ref closedAfterOneAnswer);

    /// <summary>Whether the server ever answered over TCP.</summary>
    public bool EverAnswered => Volatile.Read(ref everAnswered);

    /// <summary>
    /// Queues <paramref name="query"/> under a fresh id; the task brings the answer with that id (in
    /// a pooled array: see <see cref="PendingQuery"/>), or fails with <see cref="TimeoutException"/>
    /// (none within the timeout), <see cref="SocketException"/>, <see cref="EndOfStreamException"/>
    /// (the server closed the connection) or <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<ArraySegment<byte>> ExchangeAsync(ReadOnlySpan<byte> query, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<ArraySegment<byte>>(ct);
        }

        PendingQuery waiter;
        bool startWriter;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            waiter = pending.Add(ct);
            outbox.AppendFramed(query, waiter.Id);
            startWriter = !writing;
            writing = true;
        }

        if (startWriter)
        {
            _ = WriteLoopAsync();
        }

        return waiter.Task;
    }

    public void Dispose()
    {
        Connection? open;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            open = connection;
            connection = null;
        }

        open?.Close();
        Break(null, new ObjectDisposedException(nameof(TcpChannel)));
        pending.Dispose();
    }


    /// <summary>Writes everything queued, in as few writes as possible, until the outbox stays empty.</summary>
    private async Task WriteLoopAsync()
    {
        await Task.Yield();
        while (true)
        {
            Connection? open;
            OutboxBuffer batch;
            lock (gate)
            {
                if (outbox.Length == 0 || disposed)
                {
                    writing = false;
                    return;
                }

                // The writer owns `sending` alone (one writer at a time): swap it with the outbox.
                batch = outbox;
                outbox = sending;
                sending = batch;
                open = connection;
            }

            if (open is not null && !open.Broken && time.GetElapsedTime(open.LastActive) > IdleLimit)
            {
                // Quiet too long to trust: retire it without failing anyone (what it still owes is long overdue).
                Retire(open);
                open = null;
            }

            if (open is null || open.Broken)
            {
                try
                {
                    open = await ConnectAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // No connection: every query waiting was waiting for this one (refused, unreachable, too slow).
                    Break(null, e is OperationCanceledException ? new SocketException((int)SocketError.TimedOut) : e);
                    batch.Clear();
                    continue;
                }
            }

            try
            {
                open.LastActive = time.GetTimestamp();
                await open.Socket.SendAsync(batch.Written, SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The connection broke (the server closed or reset it) after it was open.
                Break(open, new EndOfStreamException($"the TCP connection to {server} broke under the query", e));
            }

            batch.Clear();
        }
    }

    private async Task<Connection> ConnectAsync()
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = new CancellationTokenSource(connectTimeout, time);
            await socket.ConnectAsync(server, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var open = new Connection(socket) { LastActive = time.GetTimestamp() };
        // Set before the connection is shared: closing it stops the timer.
        open.AckNudge = time.CreateTimer(static s => ((AckNudge)s!).Tick(), new AckNudge(this, open), AckNudgeEvery, AckNudgeEvery);

        lock (gate)
        {
            if (disposed)
            {
                open.Close();
                throw new ObjectDisposedException(nameof(TcpChannel));
            }

            connection = open;
        }

        _ = ReadLoopAsync(open);
        return open;
    }

    private async Task ReadLoopAsync(Connection open)
    {
        var buffer = new byte[64 * 1024 + 2];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await open.Socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new EndOfStreamException($"{server} closed the TCP connection");
                }

                filled += read;
                var at = 0;
                while (filled - at >= 2)
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(at));
                    if (filled - at - 2 < length)
                    {
                        break;
                    }

                    open.LastActive = open.LastRead = time.GetTimestamp();
                    open.Answered++;
                    Volatile.Write(ref everAnswered, true);
                    Deliver(buffer.AsSpan(at + 2, length));
                    at += 2 + length;
                }

                buffer.AsSpan(at, filled - at).CopyTo(buffer);
                filled -= at;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // A server that closes a connection with queries still unread resets it (RST): as closed as a FIN.
            Break(open, new EndOfStreamException($"{server} reset the TCP connection", e));
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException or ObjectDisposedException)
        {
            Break(open, e);
        }
    }

    /// <summary>
    /// While queries wait and nothing has been read for <see cref="AckNudgeEvery"/>, sends the ACK our
    /// kernel is holding back (Linux <c>TCP_QUICKACK</c>). A server that sends each answer in small
    /// segments (Knot: one write per answer, 1,208-byte segments) keeps the next ones until what it sent
    /// is acknowledged (Nagle's algorithm, its congestion window), and with no query of ours to carry
    /// that ACK, the kernel delays it by 15-40 ms: every query on the connection then waits.
    /// Acknowledging every read instead costs as much as it saves (more ACKs, smaller reads); this only
    /// ends a stall. With nothing owed and the connection quiet past <see cref="IdleLimit"/>, it closes
    /// the connection (and so itself).
    /// </summary>
    private sealed class AckNudge(TcpChannel channel, Connection open)
    {
        public void Tick()
        {
            bool owed;
            lock (channel.gate)
            {
                owed = channel.pending.Count > 0;
            }

            if (!owed && channel.time.GetElapsedTime(open.LastActive) > IdleLimit)
            {
                // Quiet past the idle limit, a connection is never written to again (a writer that finds
                // it so retires it too): let it go now, with this timer, rather than keep both (200 ticks
                // a second) until the next query.
                channel.Retire(open);
                return;
            }

            if (!owed || !OperatingSystem.IsLinux() || open.Broken || channel.time.GetElapsedTime(Math.Max(open.LastRead, open.LastActive)) < AckNudgeEvery)
            {
                return;
            }

            try
            {
                open.Socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, QuickAckOn);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed under us: its reader reports that.
            }
        }
    }

    private void Deliver(ReadOnlySpan<byte> message)
    {
        if (DnsWire.IdOf(message) is not { } id)
        {
            return;
        }

        PendingQuery? waiter;
        lock (gate)
        {
            waiter = pending.Take(id);
        }

        waiter?.Answer(message);
    }
}
