using System.Collections.Frozen;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Reconciler.Bench;

/// <summary>
/// The <c>serve</c> mode: Kestrel on 127.0.0.2.. (one port) serving every domain's MTA-STS policy,
/// with a leaf certificate per <c>mta-sts.domain</c> from a test CA chosen by SNI through a dictionary,
/// and a plain-HTTP <c>/stats</c> on 127.0.0.1 counting handshakes and requests.
/// </summary>
public static class PolicyHost
{
    public static async Task<int> RunAsync(string worldDirectory, int port, int statsPort, string caFile, CancellationToken ct)
    {
        var clock = Tools.Clock();
        var policies = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(worldDirectory, "policies.json"), ct))
            ?? throw new InvalidOperationException("no policies");
        var bodies = policies.ToFrozenDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value), StringComparer.OrdinalIgnoreCase);

        using var ca = new BenchAuthority();
        await File.WriteAllTextAsync(caFile, ca.RootPem, ct);
        var contexts = new SslStreamCertificateContext[policies.Count];
        var hosts = policies.Keys.ToArray();
        Parallel.For(0, hosts.Length, i => contexts[i] = ca.Issue(hosts[i]));
        var byHost = hosts.Select((h, i) => (h, i)).ToFrozenDictionary(p => p.h, p => contexts[p.i], StringComparer.OrdinalIgnoreCase);
        var fallback = ca.Issue("unknown.invalid");

        long handshakes = 0;
        long requests = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            for (var i = 0; i < World.PolicyAddresses; i++)
            {
                options.Listen(IPAddress.Parse(World.PolicyAddress(i)), port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = context =>
                    {
                        Interlocked.Increment(ref handshakes);
                        var name = context.ClientHelloInfo.ServerName ?? "";
                        return ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = byHost.GetValueOrDefault(name, fallback),
                            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                        });
                    },
                }));
            }

            options.Listen(IPAddress.Loopback, statsPort);
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            if (context.Request.Path == "/stats" && !context.Request.IsHttps)
            {
                await context.Response.WriteAsync(Tools.Result(("handshakes", Interlocked.Read(ref handshakes)), ("requests", Interlocked.Read(ref requests))), context.RequestAborted);
                return;
            }

            Interlocked.Increment(ref requests);
            if (context.Request.Path != "/.well-known/mta-sts.txt" || !bodies.TryGetValue(context.Request.Host.Host, out var body))
            {
                context.Response.StatusCode = 404;
                return;
            }

            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
        await app.StartAsync(ct);
        Console.WriteLine($"ready {policies.Count} hosts, certificates in {clock.Elapsed.TotalSeconds:F1} s");
        await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(app, ct);
        return 0;
    }
}

/// <summary>A throwaway CA issuing ECDSA P-256 leaves that share one key (signing is then cheap).</summary>
public sealed class BenchAuthority : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 root;

    public BenchAuthority()
    {
        var request = new CertificateRequest("CN=Reconciler Bench CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        root = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    public string RootPem => root.ExportCertificatePem();

    public SslStreamCertificateContext Issue(string host)
    {
        var request = new CertificateRequest($"CN={host}", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now.AddDays(30), serial);
        var leaf = issued.CopyWithPrivateKey(leafKey);
        return SslStreamCertificateContext.Create(leaf, [], offline: true);
    }

    public void Dispose()
    {
        root.Dispose();
        leafKey.Dispose();
        key.Dispose();
    }
}
