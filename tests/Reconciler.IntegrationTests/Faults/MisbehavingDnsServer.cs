using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>How a <see cref="MisbehavingDnsServer"/> answers.</summary>
public enum DnsMisbehaviour
{
    /// <summary>NOERROR with the right id but no question and no records (a broken responder or middlebox).</summary>
    NoQuestion,

    /// <summary>NOERROR, no records, and the question of another name.</summary>
    OtherQuestion,

    /// <summary>An answer with another id.</summary>
    WrongId,

    /// <summary>TC=1 over UDP, then the TCP connection is closed without a word.</summary>
    TruncatedThenTcpClosed,

    /// <summary>Nothing on UDP; an HTTP server's 400 on TCP.</summary>
    HttpOnTcp,
}

/// <summary>A DNS "server" on 127.0.0.1 (UDP and TCP on one port) that answers wrongly in one way.</summary>
public sealed class MisbehavingDnsServer : IDisposable
{
    private readonly UdpClient udp;
    private readonly TcpListener tcp;
    private readonly CancellationTokenSource stop = new();
    private readonly DnsMisbehaviour mode;

    public MisbehavingDnsServer(DnsMisbehaviour mode)
    {
        this.mode = mode;
        var port = Fixtures.FreePort.Find(IPAddress.Loopback);
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        tcp = new TcpListener(EndPoint);
        tcp.Start();
        udp = new UdpClient(EndPoint);
        _ = ServeUdpAsync(stop.Token);
        _ = ServeTcpAsync(stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose()
    {
        stop.Cancel();
        tcp.Stop();
        udp.Dispose();
        stop.Dispose();
    }

    private async Task ServeUdpAsync(CancellationToken ct)
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

            var q = request.Buffer;
            if (q.Length < 12 || mode == DnsMisbehaviour.HttpOnTcp)
            {
                continue;
            }

            byte[] reply = mode switch
            {
                DnsMisbehaviour.NoQuestion => [q[0], q[1], 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0],
                DnsMisbehaviour.OtherQuestion => [q[0], q[1], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 5, .. "other"u8, 4, .. "test"u8, 0, 0, 16, 0, 1],
                DnsMisbehaviour.TruncatedThenTcpClosed => [q[0], q[1], 0x83, 0x80, 0, 0, 0, 0, 0, 0, 0, 0],
                _ => [(byte)(q[0] ^ 0xff), q[1], 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0],
            };
            try
            {
                await udp.SendAsync(reply, request.RemoteEndPoint, ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    private async Task ServeTcpAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var client = await tcp.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[512], ct);
                if (mode == DnsMisbehaviour.HttpOnTcp)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
            {
                if (ct.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
