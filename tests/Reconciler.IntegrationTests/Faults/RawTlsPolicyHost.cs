using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Reconciler.IntegrationTests.Fixtures;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>How a <see cref="RawTlsPolicyHost"/> misbehaves for one host name.</summary>
public enum RawBehaviour
{
    /// <summary>A valid certificate, a 200 text/plain header promising more bytes, part of the body, then a TCP reset.</summary>
    ResetMidBody,

    /// <summary>A self-signed certificate for the right name (no issuer at all).</summary>
    SelfSigned,
}

/// <summary>
/// A policy host below HTTP: a TCP listener on one loopback address that does the TLS handshake itself
/// (certificate by SNI) and then misbehaves in ways Kestrel will not: a connection reset in the middle
/// of the body, a self-signed certificate. Hosts it does not know get a valid certificate and a reset.
/// </summary>
public sealed class RawTlsPolicyHost : IDisposable
{
    public const string PartialBody = "version: STSv1\nmode: enf";

    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Dictionary<string, X509Certificate2> certificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly TestCertificateAuthority authority;
    private readonly Task loop;

    public RawTlsPolicyHost(IPAddress address, int port, TestCertificateAuthority authority, IReadOnlyDictionary<string, RawBehaviour> hosts)
    {
        this.authority = authority;
        foreach (var (host, behaviour) in hosts)
        {
            certificates[host] = behaviour == RawBehaviour.SelfSigned ? SelfSigned(host) : authority.Issue(host);
        }

        listener = new TcpListener(address, port);
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        loop = AcceptAsync(stop.Token);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    private int connections;

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        foreach (var certificate in certificates.Values)
        {
            certificate.Dispose();
        }

        stop.Dispose();
    }

    private static X509Certificate2 SelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref connections);
            _ = ServeAsync(socket, ct);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken ct)
    {
        try
        {
            await using var network = new NetworkStream(socket, ownsSocket: false);
            await using var tls = new SslStream(network, leaveInnerStreamOpen: true);
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    name ??= "unknown.invalid";
                    lock (certificates)
                    {
                        if (!certificates.TryGetValue(name, out var certificate))
                        {
                            certificate = authority.Issue(name);
                            certificates[name] = certificate;
                        }

                        return certificate;
                    }
                },
            };
            await tls.AuthenticateAsServerAsync(options, ct);
            await ReadHeadersAsync(tls, ct);
            var body = Encoding.ASCII.GetBytes(PartialBody);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length + 400}\r\n\r\n");
            await tls.WriteAsync(head, ct);
            await tls.WriteAsync(body, ct);
            await tls.FlushAsync(ct);
            await Task.Delay(50, ct);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client gave up (a refused certificate): nothing more to say.
        }
        finally
        {
            // Linger 0: close with RST, not FIN, in the middle of the promised body.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }

    private static async Task ReadHeadersAsync(Stream stream, CancellationToken ct)
    {
        var seen = new StringBuilder();
        var buffer = new byte[1024];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && seen.Length < 16384)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                return;
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
