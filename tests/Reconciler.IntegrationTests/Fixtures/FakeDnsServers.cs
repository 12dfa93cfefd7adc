using System.Net;
using System.Net.Sockets;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>A bound UDP socket on 127.0.0.1 that never answers: the DNS timeout case.</summary>
public sealed class SilentDnsServer : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public SilentDnsServer()
    {
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose() => socket.Dispose();
}

/// <summary>
/// A tiny misbehaving DNS responder on 127.0.0.1 (UDP only): answers every query with an empty
/// response carrying the given RCODE (2 SERVFAIL, 1 FORMERR, 4 NOTIMP, 5 REFUSED), or with the
/// truncation bit set (the client must retry over TCP, where nothing listens), or echoes the
/// query back unchanged (QR clear: what a socket that talks to itself receives).
/// </summary>
public sealed class RcodeDnsServer : IDisposable
{
    private readonly UdpClient udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public RcodeDnsServer(int rcode, bool truncate = false, bool echo = false)
    {
        EndPoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        loop = RunAsync(rcode, truncate, echo, stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose()
    {
        stop.Cancel();
        udp.Dispose();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        stop.Dispose();
    }

    private async Task RunAsync(int rcode, bool truncate, bool echo, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await udp.ReceiveAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var query = request.Buffer;
            if (query.Length < 12)
            {
                continue;
            }

            if (echo)
            {
                await udp.SendAsync(query, request.RemoteEndPoint, ct);
                continue;
            }

            // Echo the header and question; QR=1, RD copied, RA=1, the RCODE; no answers.
            var reply = (byte[])query.Clone();
            reply[2] = (byte)(0x80 | (truncate ? 0x02 : 0) | (query[2] & 0x01));
            reply[3] = (byte)(0x80 | (rcode & 0x0f));
            reply[6] = reply[7] = reply[8] = reply[9] = reply[10] = reply[11] = 0;
            var length = QuestionEnd(query);
            await udp.SendAsync(reply.AsMemory(0, length), request.RemoteEndPoint, ct);
        }
    }

    private static int QuestionEnd(byte[] query)
    {
        var i = 12;
        while (i < query.Length && query[i] != 0)
        {
            i += query[i] + 1;
        }

        return Math.Min(i + 5, query.Length);
    }
}
