using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>
/// A DNS server on 127.0.0.1 (UDP, and TCP on the same port unless told not to listen there) whose
/// behaviour each query picks with its first label, <c>verb-n</c> or <c>verb-k-n</c>:
/// <list type="bullet">
/// <item><c>a-n</c>: one A record, 10.1.x.y over UDP and 10.2.x.y over TCP, where x.y is n.</item>
/// <item><c>rev-k-n</c> (TCP): held until the connection has k of them, then all answered in reverse order.</item>
/// <item><c>close-k-n</c> (TCP): answered; after k answers the server shuts the connection down cleanly (FIN).</item>
/// <item><c>reset-k-n</c> (TCP): answered; after k answers the server drops the connection with a reset (RST).</item>
/// <item><c>tc-n</c>: over UDP an empty answer with TC set; over TCP the full answer.</item>
/// <item><c>wrongid-n</c> (UDP): answered with another id only. <c>wrongright-n</c>: another id, then the right one.</item>
/// <item><c>silent-n</c>: never answered.</item>
/// </list>
/// Logs what it receives, so tests can tell which queries reached it, how, and on which connection.
/// </summary>
public sealed class ScriptedDnsServer : IDisposable
{
    private readonly Socket udp;
    private readonly TcpListener? tcp;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<ReceivedQuery> log = new();
    private int tcpConnections;
    private int closedByClient;

    public ScriptedDnsServer(bool listenOnTcp = true)
    {
        var port = FreePort.Find(IPAddress.Loopback);
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        if (listenOnTcp)
        {
            tcp = new TcpListener(EndPoint);
            tcp.Start(512);
            _ = AcceptAsync(tcp, stop.Token);
        }

        udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(EndPoint);
        _ = ServeUdpAsync(stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>TCP connections the client closed (the server read the end of the stream, or a reset).</summary>
    public int ClosedByClient => Volatile.Read(ref closedByClient);

    /// <summary>The queries received for names under <paramref name="zone"/> (tests use a zone each, so they do not see each other's).</summary>
    public IReadOnlyList<ReceivedQuery> ReceivedUnder(string zone) =>
        [.. log.Where(q => q.Name.EndsWith("." + zone, StringComparison.OrdinalIgnoreCase))];

    public void Dispose()
    {
        stop.Cancel();
        tcp?.Stop();
        udp.Dispose();
        stop.Dispose();
    }

    /// <summary>The address an <c>a-n</c> answer carries: 10.1.x.y over UDP, 10.2.x.y over TCP.</summary>
    public static IPAddress AddressFor(int n, bool overTcp) => new([10, overTcp ? (byte)2 : (byte)1, (byte)(n >> 8), (byte)n]);

    private async Task ServeUdpAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (Parse(buffer.AsSpan(0, received.ReceivedBytes)) is not { } query)
            {
                continue;
            }

            log.Enqueue(new ReceivedQuery(query.Name, OverTcp: false, query.Rd, Connection: 0));
            var to = received.RemoteEndPoint;
            try
            {
                switch (query.Verb)
                {
                    case "silent":
                        break;
                    case "wrongid":
                        await udp.SendToAsync(Answer(query, overTcp: false, id: (ushort)(query.Id ^ 0x5a5a)), to, ct);
                        break;
                    case "wrongright":
                        await udp.SendToAsync(Answer(query, overTcp: false, id: (ushort)(query.Id ^ 0x5a5a)), to, ct);
                        await udp.SendToAsync(Answer(query, overTcp: false), to, ct);
                        break;
                    case "tc":
                        await udp.SendToAsync(Answer(query, overTcp: false, truncated: true), to, ct);
                        break;
                    default:
                        await udp.SendToAsync(Answer(query, overTcp: false), to, ct);
                        break;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeTcpAsync(client, Interlocked.Increment(ref tcpConnections), ct);
        }
    }

    private async Task ServeTcpAsync(Socket client, int connection, CancellationToken ct)
    {
        using var owned = client;
        client.NoDelay = true;
        var held = new List<byte[]>();
        var answered = 0;
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct);
                if (read == 0)
                {
                    Interlocked.Increment(ref closedByClient);
                    return;
                }

                filled += read;
                var at = 0;
                while (filled - at >= 2 && filled - at - 2 >= BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(at)))
                {
                    var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(at));
                    var message = buffer.AsSpan(at + 2, length);
                    at += 2 + length;
                    if (Parse(message) is not { } query)
                    {
                        continue;
                    }

                    log.Enqueue(new ReceivedQuery(query.Name, OverTcp: true, query.Rd, connection));
                    switch (query.Verb)
                    {
                        case "silent":
                            break;
                        case "rev":
                            held.Add(Framed(Answer(query, overTcp: true)));
                            if (held.Count == query.K)
                            {
                                held.Reverse();
                                await client.SendAsync(held.SelectMany(b => b).ToArray(), SocketFlags.None, ct);
                                held.Clear();
                            }

                            break;
                        case "close" or "reset":
                            await client.SendAsync(Framed(Answer(query, overTcp: true)), SocketFlags.None, ct);
                            if (++answered >= query.K)
                            {
                                await EndAsync(client, reset: query.Verb == "reset", buffer, ct);
                                return;
                            }

                            break;
                        default:
                            await client.SendAsync(Framed(Answer(query, overTcp: true)), SocketFlags.None, ct);
                            break;
                    }
                }

                buffer.AsSpan(at, filled - at).CopyTo(buffer);
                filled -= at;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset && !ct.IsCancellationRequested)
        {
            // The client closed with a reset (a socket closed while its own read was pending).
            Interlocked.Increment(ref closedByClient);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client went away or the server stops.
        }
    }

    /// <summary>
    /// Ends a connection after its k answers: a reset drops it at once (queries already sent are
    /// lost); a clean close sends FIN and reads, without answering, until the client closes its side.
    /// </summary>
    private static async Task EndAsync(Socket client, bool reset, byte[] buffer, CancellationToken ct)
    {
        if (reset)
        {
            client.LingerState = new LingerOption(true, 0);
            client.Close();
            return;
        }

        client.Shutdown(SocketShutdown.Send);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(ct);
        drain.CancelAfter(TimeSpan.FromSeconds(10));
        while (await client.ReceiveAsync(buffer, SocketFlags.None, drain.Token) > 0)
        {
        }
    }

    private static byte[] Framed(byte[] message)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    /// <summary>Header, the question as asked, and (unless truncated) one A record for n.</summary>
    private static byte[] Answer(Query query, bool overTcp, ushort? id = null, bool truncated = false)
    {
        var answer = new List<byte>();
        answer.AddRange([(byte)((id ?? query.Id) >> 8), (byte)(id ?? query.Id)]);
        answer.Add((byte)(0x80 | (truncated ? 0x02 : 0) | (query.Rd ? 0x01 : 0)));
        answer.Add(0x80);
        answer.AddRange([0, 1, 0, truncated ? (byte)0 : (byte)1, 0, 0, 0, 0]);
        answer.AddRange(query.Question);
        if (!truncated)
        {
            answer.AddRange([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
            answer.AddRange(AddressFor(query.N, overTcp).GetAddressBytes());
        }

        return [.. answer];
    }

    /// <summary>The id, RD bit, question section, name and first label's verb, k and n of a query; null when it is not one.</summary>
    private static Query? Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < 13 || (message[2] & 0x80) != 0 || message[12] == 0 || message[12] > 63)
        {
            return null;
        }

        var end = 12;
        while (end < message.Length && message[end] != 0)
        {
            end += message[end] + 1;
        }

        if (end + 5 > message.Length)
        {
            return null;
        }

        var labels = new List<string>();
        for (var at = 12; at < end; at += message[at] + 1)
        {
            labels.Add(Encoding.ASCII.GetString(message.Slice(at + 1, message[at])));
        }

        var parts = labels[0].Split('-');
        var n = parts.Length > 1 && int.TryParse(parts[^1], out var last) ? last : 0;
        var k = parts.Length > 2 && int.TryParse(parts[1], out var middle) ? middle : 1;
        return new Query(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            (message[2] & 0x01) != 0,
            message[12..(end + 5)].ToArray(),
            string.Join('.', labels),
            parts[0],
            k,
            n);
    }

    private sealed record Query(ushort Id, bool Rd, byte[] Question, string Name, string Verb, int K, int N);
}

/// <summary>A query a <see cref="ScriptedDnsServer"/> received: its name (no trailing dot), how, whether RD was set, and over which TCP connection (numbered from 1; 0 for UDP).</summary>
public sealed record ReceivedQuery(string Name, bool OverTcp, bool Recursion, int Connection);
