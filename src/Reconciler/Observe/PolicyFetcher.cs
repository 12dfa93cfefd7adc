using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Reconciler.Observe;

/// <summary>
/// Fetches <c>https://mta-sts.domain/.well-known/mta-sts.txt</c> from one chosen address, the way
/// RFC 8461 §3.3 says a sender must: no redirects, only 200 with text/plain, at most 64 KiB, a
/// certificate valid for the host name, TLS 1.2 or later.
/// </summary>
/// <remarks>
/// One shared <see cref="SocketsHttpHandler"/>. TLS is done in <see cref="SocketsHttpHandler.ConnectCallback"/>
/// so that the precise certificate reason reaches the result and each connection is bound to one
/// (address, host): the request URI's host is a per-(address, host) pool label, the Host header
/// and SNI carry the real host, and <c>Connection: close</c> keeps no idle connection behind.
/// </remarks>
internal sealed class PolicyFetcher : IDisposable
{
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly HttpRequestOptionsKey<PolicyTarget> TargetKey = new("reconciler.policy-target");

    private readonly SocketsHttpHandler handler;
    private readonly HttpClient client;
    private readonly ResiliencePipeline pipeline;
    private readonly PolicyCertificates certificates;
    private readonly LiveObserverOptions options;
    private readonly ObserveCounters counters;

    public PolicyFetcher(LiveObserverOptions options, TimeProvider time, ObserveCounters counters)
    {
        this.options = options;
        this.counters = counters;
        certificates = new PolicyCertificates(options.CaFile, time);
        handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            MaxResponseHeadersLength = 64,
            ConnectCallback = ConnectAsync,
        };
        client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(options.Timeout)
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 1,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsConnectionFailure),
            })
            .Build();
    }

    public async Task<PolicyFetch> FetchAsync(string host, string address, CancellationToken ct)
    {
        var ip = IPAddress.Parse(address);
        var target = new PolicyTarget(host, ip);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (state, token) => await state.Fetcher.SendAsync(state.Target, token).ConfigureAwait(false),
                (Fetcher: this, Target: target),
                ct).ConfigureAwait(false);
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException($"cancelled fetching the policy of {host} from {address}", e, ct);
        }
        catch (TimeoutRejectedException)
        {
            return Unreachable(PolicyFailure.Timeout, $"timeout after {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception e)
        {
            return Classify(e);
        }

        PolicyFetch Unreachable(PolicyFailure failure, string detail) => new(address, PolicyFetchStatus.Unreachable, failure, detail, null);

        PolicyFetch Classify(Exception e)
        {
            if (Find<PolicyConnectionException>(e) is { } tls)
            {
                return new PolicyFetch(address, PolicyFetchStatus.Refused, tls.Failure, tls.Message, null);
            }

            if (Find<SocketException>(e) is { } socket)
            {
                var what = socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.TimedOut => "connect timeout",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
                    _ => $"socket error {socket.SocketErrorCode}",
                };
                return Unreachable(socket.SocketErrorCode == SocketError.TimedOut ? PolicyFailure.Timeout : PolicyFailure.Connection, what);
            }

            if (Find<TimeoutException>(e) is not null || e is OperationCanceledException)
            {
                return Unreachable(PolicyFailure.Timeout, "connect timeout");
            }

            return Unreachable(PolicyFailure.Connection, $"connection failed: {Innermost(e).Message}");
        }
    }

    public void Dispose()
    {
        client.Dispose();
        handler.Dispose();
    }

    private async Task<PolicyFetch> SendAsync(PolicyTarget target, CancellationToken ct)
    {
        counters.CountHttpsFetch();
        var address = target.Address.ToString();
        var uri = new Uri($"http://{target.PoolLabel}:{options.PolicyPort}/.well-known/mta-sts.txt");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = options.PolicyPort == 443 ? target.Host : $"{target.Host}:{options.PolicyPort}";
        request.Headers.ConnectionClose = true;
        request.Options.Set(TargetKey, target);

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location?.OriginalString ?? "(no Location)";
            return Refused(PolicyFailure.Redirect, $"redirect to {location}");
        }

        if (status == 404)
        {
            return Refused(PolicyFailure.NotFound, "status 404");
        }

        if (status != 200)
        {
            return Refused(PolicyFailure.HttpStatus, $"status {status}");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return Refused(PolicyFailure.ContentType, mediaType is null ? "no content type" : $"type {mediaType}");
        }

        if (response.Content.Headers.ContentLength > MaxBodyBytes)
        {
            return Refused(PolicyFailure.TooLarge, $"body of {response.Content.Headers.ContentLength} bytes exceeds {MaxBodyBytes}");
        }

        var body = await ReadCappedAsync(response.Content, ct).ConfigureAwait(false);
        if (body is null)
        {
            return Refused(PolicyFailure.TooLarge, $"body exceeds {MaxBodyBytes} bytes");
        }

        return new PolicyFetch(address, PolicyFetchStatus.Ok, PolicyFailure.None, "", body);

        PolicyFetch Refused(PolicyFailure failure, string detail) => new(address, PolicyFetchStatus.Refused, failure, detail, null);
    }

    private static async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes + 1];
            var total = 0;
            while (total < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return Encoding.UTF8.GetString(buffer, 0, total);
                }

                total += read;
            }

            return null;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(TargetKey, out var target))
        {
            throw new InvalidOperationException("policy request without a target address");
        }

        var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            connectTimeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target.Address, context.DnsEndPoint.Port), connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                throw new SocketException((int)SocketError.TimedOut);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        string? reason = null;
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = target.Host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                reason = certificates.Check(certificate, chain, errors);
                return reason is null;
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw reason is not null
                ? new PolicyConnectionException(reason, e) { Failure = PolicyFailure.Certificate }
                : new PolicyConnectionException($"TLS handshake failed: {Innermost(e).Message}", e) { Failure = PolicyFailure.Tls };
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool IsConnectionFailure(Exception e) =>
        Find<PolicyConnectionException>(e) is null && Find<SocketException>(e) is not null;

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private sealed record PolicyTarget(string Host, IPAddress Address)
    {
        /// <summary>A URI host unique per (address, host), so the handler pools never mix them.</summary>
        public string PoolLabel { get; } = $"a{Convert.ToHexStringLower(Address.GetAddressBytes())}.{Host}";
    }
}
