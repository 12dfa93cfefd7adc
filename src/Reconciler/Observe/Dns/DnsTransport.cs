using System.Buffers;
using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Reconciler.Observe.Dns;

/// <summary>How DNS questions travel to a server.</summary>
public enum DnsProtocol
{
    /// <summary>
    /// One TCP connection per server carrying many queries at once (RFC 7766 pipelining); a server
    /// that refuses TCP connections is asked over UDP from then on. The default: the fastest way to
    /// ask one resolver many questions, and an answer cannot be forged from off the path.
    /// </summary>
    Tcp,

    /// <summary>UDP, with TCP for an answer that comes back truncated.</summary>
    Udp,
}

/// <summary>How a <see cref="DnsTransport"/> asks.</summary>
/// <param name="Timeout">How long one attempt waits for its answer (and a TCP connection may take to open).</param>
/// <param name="Retries">Attempts after the first, each with a new id (and the next server, when there are several).</param>
/// <param name="Recursion">The RD bit: on for resolvers, off when asking a zone's own servers.</param>
/// <param name="Protocol">TCP (pipelined) or UDP.</param>
/// <param name="UdpSockets">Connected UDP sockets per server (a resolver gets <see cref="DnsTransport.SocketsPerServer"/>; a zone's own servers, asked a few questions each, one).</param>
internal sealed record DnsTransportOptions(TimeSpan Timeout, int Retries, bool Recursion, DnsProtocol Protocol, int UdpSockets = DnsTransport.SocketsPerServer);

/// <summary>One query's outcome: the decoded response and the server that sent it, or why there is none.</summary>
internal sealed record DnsReply(DnsMessage? Message, string Server, string? Error);

/// <summary>
/// Asks a set of DNS servers, over a pipelined TCP connection per server or over UDP (see
/// <see cref="DnsProtocol"/>), and decodes the answers with <see cref="DnsWire"/>.
/// </summary>
/// <remarks>
/// A fleet-sized run sends over 100,000 queries. DnsClient opens and closes a socket per UDP query,
/// which costs far more than the query itself (measured with bench/: about 60 us of CPU per query
/// against 8 us here over TCP). This transport keeps its sockets open for its lifetime and matches
/// answers to queries by id: each query gets an id no other pending query on its socket holds, drawn
/// from the system's cryptographic generator; over UDP also a randomly chosen socket of
/// <see cref="SocketsPerServer"/> (and so source port), connected to the server so datagrams from
/// anywhere else never arrive. <see cref="DnsLookup"/> then checks that the answer repeats the question.
/// </remarks>
internal sealed class DnsTransport : IDisposable
{
    /// <summary>Connected UDP sockets per server: spreads the receive work and the source ports.</summary>
    public const int SocketsPerServer = 4;

    private readonly DnsTransportOptions options;
    private readonly TimeProvider time;
    private readonly ServerLink[] links;

    public DnsTransport(IReadOnlyList<IPEndPoint> servers, DnsTransportOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.time = time;
        links = [.. servers.Select(s => new ServerLink(s, options, time))];
    }

    /// <summary>Whether the servers are asked to recurse (resolvers), or answer from their own zones only.</summary>
    public bool Recursion => options.Recursion;

    /// <summary>The system's resolvers (as DnsClient reads them from /etc/resolv.conf or the OS), without a public fallback.</summary>
    public static IReadOnlyList<IPEndPoint> SystemResolvers() =>
        [.. NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false)
            .Select(s => new IPEndPoint(IPAddress.Parse(s.Address), s.Port))];

    /// <summary>
    /// Asks for <paramref name="name"/>/<paramref name="type"/>. A response of any RCODE is returned
    /// as it came; timeouts, network errors and undecodable responses come back as <see cref="DnsReply.Error"/>.
    /// Cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <remarks>
    /// One method for the whole exchange (retries, the TCP-to-UDP fallback, truncation): each layer of
    /// async methods costs a state machine per query, and a fleet asks over 100,000.
    /// </remarks>
    public async Task<DnsReply> QueryAsync(string name, QueryType type, CancellationToken ct)
    {
        if (links.Length == 0)
        {
            return new DnsReply(null, "no server", "no DNS server configured (none given and none found in the system's resolver configuration)");
        }

        Span<byte> scratch = stackalloc byte[DnsWire.MaxQueryLength];
        var length = DnsWire.WriteQuery(scratch, 0, name, type, options.Recursion);
        if (length < 0)
        {
            return new DnsReply(null, links[0].Label, $"{name} is not a name that can be asked");
        }

        // The id is written into it per attempt: TCP copies it into its outbox, UDP sends it as it is.
        // (Not pooled: with a thousand queries in flight the pool runs dry and hands out 512-byte arrays.)
        var query = scratch[..length].ToArray();

        // Every server in turn, (Retries + 1) rounds; a response of any RCODE ends the search. A TCP
        // connection the server closed under a query does not use up an attempt (once).
        var attempts = (options.Retries + 1) * links.Length;
        var closedOnce = false;
        for (var attempt = 0; ; attempt++)
        {
            var link = links[attempt % links.Length];
            var label = link.Label;
            var afterTruncation = "";
            var forceTcp = false;
            DnsReply reply;
            var retryable = false;
            var closedUnderUs = false;

            // One attempt: over TCP or UDP, and once more over TCP after an answer truncated over UDP.
            while (true)
            {
                var overTcp = forceTcp || link.UsesTcp;
                ArraySegment<byte> answer;
                try
                {
                    answer = overTcp
                        ? await link.Tcp().ExchangeAsync(query.AsSpan(0, length), ct).ConfigureAwait(false)
                        : await link.Udp().ExchangeAsync(query.AsMemory(0, length), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (overTcp && !forceTcp && link.FallsBackToUdp(e))
                {
                    continue;
                }
                catch (TimeoutException)
                {
                    reply = new DnsReply(null, label, $"{afterTruncation}timeout asking {label} for {name} {type}");
                    retryable = true;
                    break;
                }
                catch (SocketException e)
                {
                    reply = new DnsReply(null, label, $"{afterTruncation}socket error {e.SocketErrorCode} asking {label} for {name} {type}");
                    retryable = true;
                    break;
                }
                catch (EndOfStreamException e)
                {
                    reply = new DnsReply(null, label, $"{afterTruncation}{e.Message} asking for {name} {type}");
                    retryable = closedUnderUs = true;
                    break;
                }

                DnsMessage message;
                try
                {
                    message = DnsWire.Read(answer);
                }
                catch (DnsWireException e)
                {
                    reply = new DnsReply(null, label, $"{afterTruncation}{e.Message} from {label} for {name} {type}");
                    break;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(answer.Array!);
                }

                if (!message.Truncated)
                {
                    reply = new DnsReply(message, label, null);
                    break;
                }

                if (overTcp)
                {
                    reply = new DnsReply(null, label, $"truncated over TCP from {label} for {name} {type}");
                    break;
                }

                // Truncated over UDP: the same question over the server's TCP connection.
                forceTcp = true;
                afterTruncation = "truncated over UDP, then over TCP: ";
            }

            if (closedUnderUs && !closedOnce)
            {
                closedOnce = true;
                attempt--;
                continue;
            }

            if (!retryable || attempt + 1 >= attempts)
            {
                return reply;
            }
        }
    }

    public void Dispose()
    {
        foreach (var link in links)
        {
            link.Dispose();
        }
    }

    /// <summary>Connections ended after one answer with more queries waiting before a server is taken not to pipeline.</summary>
    private const int NoPipeliningAfter = 2;

    /// <summary>One server: its UDP sockets and its TCP connection, each opened when first needed.</summary>
    private sealed class ServerLink(IPEndPoint server, DnsTransportOptions options, TimeProvider time) : IDisposable
    {
        private readonly Lock gate = new();
        private UdpChannel[]? udp;
        private TcpChannel? tcp;
        private volatile bool tcpRefused = options.Protocol == DnsProtocol.Udp;

        public IPEndPoint Server { get; } = server;

        public string Label { get; } = server.ToString();

        /// <summary>
        /// Whether queries go over TCP (unless the server turned out not to take them there). A server
        /// seen closing connections after one answer is asked over UDP at once, also by the queries
        /// already retrying: each would otherwise open one more connection for one more answer.
        /// </summary>
        public bool UsesTcp => !tcpRefused && (Volatile.Read(ref tcp)?.ClosedAfterOneAnswer ?? 0) < NoPipeliningAfter;

        /// <summary>
        /// Whether a TCP exchange that failed with <paramref name="e"/> shows the server cannot be asked
        /// over TCP: then UDP from now on, the failed query first.
        /// </summary>
        public bool FallsBackToUdp(Exception e)
        {
            var channel = Tcp();
            var refused = e switch
            {
                // Nothing listens on TCP there (a UDP-only forwarder).
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => true,

                // TCP has never brought an answer (a firewall dropping it without a word, a middlebox
                // that accepts and swallows it).
                TimeoutException => !channel.EverAnswered,

                // A server that answers one question per connection.
                EndOfStreamException => channel.ClosedAfterOneAnswer >= NoPipeliningAfter,
                _ => false,
            };
            if (refused)
            {
                tcpRefused = true;
            }

            return refused;
        }

        public void Dispose()
        {
            lock (gate)
            {
                tcp?.Dispose();
                foreach (var channel in udp ?? [])
                {
                    channel.Dispose();
                }
            }
        }

        public TcpChannel Tcp()
        {
            lock (gate)
            {
                return tcp ??= new TcpChannel(Server, options.Timeout, time);
            }
        }

        public UdpChannel Udp()
        {
            UdpChannel[] set;
            lock (gate)
            {
                set = udp ??= [.. Enumerable.Range(0, Math.Max(1, options.UdpSockets)).Select(_ => new UdpChannel(Server, options.Timeout, time))];
            }

            return set[Random.Shared.Next(set.Length)];
        }
    }
}
