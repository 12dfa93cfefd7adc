using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>What a policy host answers at one address.</summary>
public sealed record PolicyResponse(int Status, string? ContentType, string Body, string? Location = null, TimeSpan? TrickleDelay = null, bool DeclareLength = false)
{
    public static PolicyResponse Ok(string body) => new(200, "text/plain; charset=utf-8", body);
}

/// <summary>How a policy host presents itself in the TLS handshake.</summary>
public enum CertificateKind
{
    Valid,
    Expired,
    WrongName,
    UntrustedIssuer,
    Tls10Only,
}

/// <summary>
/// Real HTTPS policy hosts: Kestrel on several loopback addresses and one port, choosing the
/// certificate by SNI and the answer by Host header and local address. Certificates come from a
/// <see cref="TestCertificateAuthority"/> whose root is written to <see cref="CaFile"/>.
/// </summary>
public sealed class PolicyServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Host, IPAddress? Address), PolicyResponse> responses = new();
    private readonly ConcurrentDictionary<string, CertificateKind> kinds = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Host, CertificateKind Kind), X509Certificate2> certificates = new();
    private readonly TestCertificateAuthority untrusted = new("Untrusted Test CA");
    private WebApplication? app;

    private PolicyServer(IReadOnlyList<IPAddress> addresses, int port)
    {
        Addresses = addresses;
        Port = port;
        CaFile = Path.Combine(Path.GetTempPath(), $"reconciler-ca-{Guid.NewGuid():N}.pem");
        Authority.WritePemFile(CaFile);
    }

    public TestCertificateAuthority Authority { get; } = new("Reconciler Test CA");

    public IReadOnlyList<IPAddress> Addresses { get; }

    public int Port { get; }

    public string CaFile { get; }

    /// <summary>The answer for hosts without a configured one; null answers 404.</summary>
    public Func<string, PolicyResponse>? DefaultResponse { get; set; }

    public static async Task<PolicyServer> StartAsync(IReadOnlyList<IPAddress> addresses, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var server = new PolicyServer(addresses, FreePort.Find(addresses[0]));
            try
            {
                await server.StartAsync(ct);
                return server;
            }
            catch (IOException) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Sets the answer of <paramref name="host"/>, at every address or only at <paramref name="at"/>.</summary>
    public void Serve(string host, PolicyResponse response, IPAddress? at = null) => responses[(host.ToLowerInvariant(), at)] = response;

    public void Present(string host, CertificateKind kind) => kinds[host] = kind;

    public async Task StartAsync(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(options =>
        {
            foreach (var address in Addresses)
            {
                options.Listen(address, Port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = Handshake }));
            }
        });
        var application = builder.Build();
        application.Run(HandleAsync);
        await application.StartAsync(ct);
        app = application;
    }

    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var certificate in certificates.Values)
        {
            certificate.Dispose();
        }

        untrusted.Dispose();
        Authority.Dispose();
        File.Delete(CaFile);
    }

    /// <summary>Issues the certificates of these hosts ahead of the first handshake (in parallel).</summary>
    public void Prepare(IEnumerable<string> hosts) =>
        Parallel.ForEach(hosts, host => CertificateFor(host.ToLowerInvariant()));

    private ValueTask<SslServerAuthenticationOptions> Handshake(TlsHandshakeCallbackContext context)
    {
        var host = (context.ClientHelloInfo.ServerName ?? "unknown.invalid").ToLowerInvariant();
        var (kind, certificate) = CertificateFor(host);
        return ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0 on purpose: the client must refuse it.
            EnabledSslProtocols = kind == CertificateKind.Tls10Only ? SslProtocols.Tls : SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore SYSLIB0039, CA5397
        });
    }

    private (CertificateKind Kind, X509Certificate2 Certificate) CertificateFor(string host)
    {
        var kind = kinds.GetValueOrDefault(host, CertificateKind.Valid);
        return (kind, certificates.GetOrAdd((host, kind), key => key.Kind switch
        {
            CertificateKind.Expired => Authority.Issue(key.Host, DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1)),
            CertificateKind.WrongName => Authority.Issue($"other.{key.Host}"),
            CertificateKind.UntrustedIssuer => untrusted.Issue(key.Host),
            _ => Authority.Issue(key.Host),
        }));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var host = context.Request.Host.Host.ToLowerInvariant();
        var local = context.Connection.LocalIpAddress;
        var response = responses.GetValueOrDefault((host, local))
            ?? responses.GetValueOrDefault((host, null))
            ?? DefaultResponse?.Invoke(host);
        if (response is null || context.Request.Path != "/.well-known/mta-sts.txt")
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.StatusCode = response.Status;
        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }

        if (response.Location is not null)
        {
            context.Response.Headers.Location = response.Location;
        }

        var body = Encoding.UTF8.GetBytes(response.Body);
        if (response.DeclareLength)
        {
            context.Response.ContentLength = body.Length;
        }

        if (response.TrickleDelay is { } delay)
        {
            foreach (var b in body)
            {
                await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(delay, context.RequestAborted);
            }

            return;
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
