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
/// One TCP connection and TLS handshake per fetch, bound to the chosen address with SNI and the
/// certificate check for the host name, then one HTTP/1.1 exchange read by <see cref="PolicyHttp"/>:
/// no HTTP stack, no connection pool (a pool per policy host is what makes a fleet-sized run heavy).
/// </remarks>
internal sealed class PolicyFetcher : IDisposable
{
    public const int MaxBodyBytes = 64 * 1024;

    private readonly ResiliencePipeline pipeline;
    private readonly PolicyCertificates certificates;
    private readonly LiveObserverOptions options;
    private readonly ObserveCounters counters;

    public PolicyFetcher(LiveObserverOptions options, TimeProvider time, ObserveCounters counters)
    {
        this.options = options;
        this.counters = counters;
        certificates = new PolicyCertificates(options.CaFile, time);
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
        // Nothing pooled, nothing to release.
    }

    private async Task<PolicyFetch> SendAsync(PolicyTarget target, CancellationToken ct)
    {
        counters.CountHttpsFetch();
        var address = target.Address.ToString();
        var ssl = await ConnectAsync(target, ct).ConfigureAwait(false);
        await using (ssl.ConfigureAwait(false))
        {
            await ssl.WriteAsync(PolicyHttp.Request(options.PolicyPort == 443 ? target.Host : $"{target.Host}:{options.PolicyPort}"), ct).ConfigureAwait(false);
            await ssl.FlushAsync(ct).ConfigureAwait(false);
            using var http = new PolicyHttp(ssl);
            var head = await http.ReadHeadAsync(ct).ConfigureAwait(false);
            var status = head.Status;
            if (status is >= 300 and < 400)
            {
                return Refused(PolicyFailure.Redirect, $"redirect to {head.Location ?? "(no Location)"}");
            }

            if (status == 404)
            {
                return Refused(PolicyFailure.NotFound, "status 404");
            }

            if (status != 200)
            {
                return Refused(PolicyFailure.HttpStatus, $"status {status}");
            }

            var mediaType = MediaType(head.ContentType);
            if (!string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                return Refused(PolicyFailure.ContentType, mediaType is null ? "no content type" : $"type {mediaType}");
            }

            if (head.ContentLength > MaxBodyBytes)
            {
                return Refused(PolicyFailure.TooLarge, $"body of {head.ContentLength} bytes exceeds {MaxBodyBytes}");
            }

            var body = await http.ReadBodyAsync(head, MaxBodyBytes, ct).ConfigureAwait(false);
            if (body is null)
            {
                return Refused(PolicyFailure.TooLarge, $"body exceeds {MaxBodyBytes} bytes");
            }

            return new PolicyFetch(address, PolicyFetchStatus.Ok, PolicyFailure.None, "", Encoding.UTF8.GetString(body));
        }

        PolicyFetch Refused(PolicyFailure failure, string detail) => new(address, PolicyFetchStatus.Refused, failure, detail, null);
    }

    /// <summary>The media type of a Content-Type value (before any parameter), or null when there is none.</summary>
    private static string? MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        return type.Length == 0 ? null : type;
    }

    private async Task<SslStream> ConnectAsync(PolicyTarget target, CancellationToken ct)
    {
        var socket = new Socket(target.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var endPoint = new IPEndPoint(target.Address, options.PolicyPort);
        if (options.ConnectTimeout >= options.Timeout)
        {
            // The whole fetch's timeout (ct) ends the connect first: no timer of its own.
            try
            {
                await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        else
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectTimeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(endPoint, connectTimeout.Token).ConfigureAwait(false);
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
            CertificateChainPolicy = certificates.ChainPolicy,
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

    private sealed record PolicyTarget(string Host, IPAddress Address);
}
