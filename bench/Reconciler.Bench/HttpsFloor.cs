using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Reconciler.Bench;

/// <summary>
/// The <c>floor-https</c> mode: the least a correct client must do per policy, with no HTTP stack:
/// TCP connect, TLS handshake with SNI and the certificate checked against the test CA (one chain
/// build), one HTTP/1.1 request written by hand, the response read to its end. Same targets and
/// concurrency as the reconciler.
/// </summary>
public static class HttpsFloor
{
    public static async Task<int> RunAsync(string targetsFile, int port, string caFile, int concurrency, CancellationToken ct)
    {
        var targets = (await File.ReadAllLinesAsync(targetsFile, ct))
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' '))
            .Select(p => (Host: p[0], Address: IPAddress.Parse(p[1])))
            .ToArray();
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);

        // Warm-up outside the clock: JIT and OpenSSL initialisation, as a long-running client would have.
        await FetchAsync(targets[0].Host, targets[0].Address, port, policy, ct);

        long ok = 0;
        var idle = Tools.IdleCoreSeconds();
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Tools.Clock();
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (t, token) =>
        {
            if (await FetchAsync(t.Host, t.Address, port, policy, token))
            {
                Interlocked.Increment(ref ok);
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        var idleSeconds = Tools.IdleCoreSeconds() - idle;
        Console.WriteLine(Tools.Result(("seconds", seconds), ("cpu", cpuSeconds), ("idle", idleSeconds), ("fetches", targets.Length), ("ok", ok)));
        return ok == targets.Length ? 0 : 1;
    }

    private static async Task<bool> FetchAsync(string host, IPAddress address, int port, X509ChainPolicy policy, CancellationToken ct)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(address, port), ct);
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateChainPolicy = policy,
        }, ct);
        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"), ct);
        var buffer = new byte[4096];
        var total = 0;
        int read;
        while ((read = await ssl.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
            if (total == buffer.Length)
            {
                return false;
            }
        }

        return total > 12 && Encoding.ASCII.GetString(buffer, 0, 12) == "HTTP/1.1 200";
    }
}
