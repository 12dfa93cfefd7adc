using System.Diagnostics;
using DnsClient;
using DnsClient.Protocol;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe.Dns;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>Two scripted servers for the whole class: one on UDP and TCP, one with TCP refused.</summary>
public sealed class DnsTransportFixture : IDisposable
{
    public ScriptedDnsServer Both { get; } = new();

    public ScriptedDnsServer UdpOnly { get; } = new(listenOnTcp: false);

    public void Dispose()
    {
        Both.Dispose();
        UdpOnly.Dispose();
    }
}

public sealed class DnsTransportTests(DnsTransportFixture fixture) : IClassFixture<DnsTransportFixture>
{
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static DnsTransport Transport(ScriptedDnsServer server, DnsProtocol protocol, TimeSpan timeout, int retries = 0) =>
        new([server.EndPoint], new DnsTransportOptions(timeout, retries, Recursion: true, protocol), TimeProvider.System);

    /// <summary>Asserts the reply answers exactly this name with the address the server gives n over that protocol.</summary>
    private static void AssertAnswered(DnsReply reply, string name, int n, bool overTcp)
    {
        Assert.Null(reply.Error);
        Assert.NotNull(reply.Message);
        Assert.False(reply.Message.Truncated);
        Assert.Equal(name + ".", Assert.Single(reply.Message.Questions).Name);
        var a = Assert.IsType<ARecord>(Assert.Single(reply.Message.Answers));
        Assert.Equal(ScriptedDnsServer.AddressFor(n, overTcp), a.Address);
    }

    private static int Connections(IEnumerable<ReceivedQuery> received) => received.Where(q => q.OverTcp).Select(q => q.Connection).Distinct().Count();

    private static async Task<DnsReply[]> AskAllAsync(DnsTransport transport, IEnumerable<string> names) =>
        await Task.WhenAll(names.Select(name => transport.QueryAsync(name, QueryType.A, CancellationToken.None)));

    [Fact]
    public async Task Pipelined_TCP_answers_sent_in_reverse_order_reach_the_queries_they_answer()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Tcp, Patient);
        var names = Enumerable.Range(0, 10).Select(i => $"rev-10-{i}.pipe.test").ToList();

        var replies = await AskAllAsync(transport, names);

        for (var i = 0; i < names.Count; i++)
        {
            AssertAnswered(replies[i], names[i], i, overTcp: true);
        }

        Assert.Equal(1, Connections(fixture.Both.ReceivedUnder("pipe.test")));
    }

    [Fact]
    public async Task Five_hundred_concurrent_queries_share_one_TCP_connection_and_each_gets_its_own_answer()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Tcp, Patient);
        var names = Enumerable.Range(0, 500).Select(i => $"a-{i}.many.test").ToList();

        var replies = await AskAllAsync(transport, names);

        for (var i = 0; i < names.Count; i++)
        {
            AssertAnswered(replies[i], names[i], i, overTcp: true);
        }

        var received = fixture.Both.ReceivedUnder("many.test");
        Assert.Equal(500, received.Count);
        Assert.All(received, q => Assert.True(q.OverTcp));
        Assert.Equal(1, Connections(received));
    }

    [Fact]
    public async Task After_the_server_closes_the_connection_every_few_answers_one_query_after_another_still_gets_answered()
    {
        // No retries: the free extra attempt after a connection closed under a query is all it gets.
        using var transport = Transport(fixture.Both, DnsProtocol.Tcp, Patient);

        for (var i = 0; i < 8; i++)
        {
            var name = $"close-3-{i}.seq.test";
            AssertAnswered(await transport.QueryAsync(name, QueryType.A, CancellationToken.None), name, i, overTcp: true);
        }

        Assert.Equal(3, Connections(fixture.Both.ReceivedUnder("seq.test")));
    }

    [Fact]
    public async Task A_server_that_answers_one_question_per_connection_is_asked_over_UDP_and_every_query_is_answered()
    {
        // Ten queries at once, no retries; each connection carries one answer and is then closed.
        using var transport = Transport(fixture.Both, DnsProtocol.Tcp, Patient);
        var names = Enumerable.Range(0, 10).Select(i => $"close-1-{i}.one.test").ToList();

        var replies = await AskAllAsync(transport, names);

        Assert.All(replies, r => Assert.Null(r.Error));
        var received = fixture.Both.ReceivedUnder("one.test");
        Assert.Contains(received, q => !q.OverTcp);
        Assert.True(Connections(received) <= 3, $"{Connections(received)} connections before UDP");

        // From then on the server is asked over UDP only.
        var later = await transport.QueryAsync("a-77.one.test", QueryType.A, CancellationToken.None);
        AssertAnswered(later, "a-77.one.test", 77, overTcp: false);
    }

    [Fact]
    public async Task A_connection_quiet_longer_than_the_idle_limit_is_not_written_to_again()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var transport = new DnsTransport(
            [fixture.Both.EndPoint], new DnsTransportOptions(Patient, 0, Recursion: true, DnsProtocol.Tcp), clock);

        AssertAnswered(await transport.QueryAsync("a-1.idle.test", QueryType.A, CancellationToken.None), "a-1.idle.test", 1, overTcp: true);
        clock.Advance(TcpChannel.IdleLimit - TimeSpan.FromSeconds(1));
        AssertAnswered(await transport.QueryAsync("a-2.idle.test", QueryType.A, CancellationToken.None), "a-2.idle.test", 2, overTcp: true);
        Assert.Equal(1, Connections(fixture.Both.ReceivedUnder("idle.test")));

        clock.Advance(TcpChannel.IdleLimit + TimeSpan.FromSeconds(1));
        AssertAnswered(await transport.QueryAsync("a-3.idle.test", QueryType.A, CancellationToken.None), "a-3.idle.test", 3, overTcp: true);
        Assert.Equal(2, Connections(fixture.Both.ReceivedUnder("idle.test")));
    }

    [Fact]
    public async Task A_connection_quiet_past_the_idle_limit_is_closed_without_waiting_for_the_next_query()
    {
        // Its own server: the close is counted per server. A daemon between cycles keeps no connection open.
        using var server = new ScriptedDnsServer();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var transport = new DnsTransport(
            [server.EndPoint], new DnsTransportOptions(Patient, 0, Recursion: true, DnsProtocol.Tcp), clock);

        AssertAnswered(await transport.QueryAsync("a-1.quiet.test", QueryType.A, CancellationToken.None), "a-1.quiet.test", 1, overTcp: true);
        clock.Advance(TcpChannel.IdleLimit - TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        Assert.Equal(0, server.ClosedByClient);

        clock.Advance(TimeSpan.FromSeconds(2));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (server.ClosedByClient == 0 && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, server.ClosedByClient);
        AssertAnswered(await transport.QueryAsync("a-2.quiet.test", QueryType.A, CancellationToken.None), "a-2.quiet.test", 2, overTcp: true);
        Assert.Equal(2, Connections(server.ReceivedUnder("quiet.test")));
    }

    [Theory]
    [InlineData("close")]
    [InlineData("reset")]
    public async Task Queries_waiting_on_a_connection_the_server_ends_after_some_answers_are_asked_again_on_a_new_one(string how)
    {
        // Ten queries at once, no retries; the server answers five on a connection, then closes
        // (FIN) or drops (RST) it with the other queries unanswered.
        using var transport = Transport(fixture.Both, DnsProtocol.Tcp, Patient);
        var zone = $"{how}.burst.test";
        var names = Enumerable.Range(0, 10).Select(i => $"{how}-5-{i}.{zone}").ToList();

        var replies = await AskAllAsync(transport, names);

        for (var i = 0; i < names.Count; i++)
        {
            AssertAnswered(replies[i], names[i], i, overTcp: true);
        }

        Assert.Equal(2, Connections(fixture.Both.ReceivedUnder(zone)));
    }

    [Fact]
    public async Task A_server_refusing_TCP_is_asked_over_UDP()
    {
        using var transport = Transport(fixture.UdpOnly, DnsProtocol.Tcp, Patient);

        AssertAnswered(await transport.QueryAsync("a-1.refused.test", QueryType.A, CancellationToken.None), "a-1.refused.test", 1, overTcp: false);
        AssertAnswered(await transport.QueryAsync("a-2.refused.test", QueryType.A, CancellationToken.None), "a-2.refused.test", 2, overTcp: false);

        var received = fixture.UdpOnly.ReceivedUnder("refused.test");
        Assert.Equal(2, received.Count);
        Assert.All(received, q => Assert.False(q.OverTcp));
    }

    [Fact]
    public async Task A_server_whose_TCP_port_never_answers_is_asked_over_UDP()
    {
        // A TCP listener on the UDP-only server's port that accepts connections and never answers on
        // them, as a middlebox swallowing TCP/53 would.
        using var udpOnly = new ScriptedDnsServer(listenOnTcp: false);
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(udpOnly.EndPoint);
        listener.Listen(16);
        var accepted = new List<System.Net.Sockets.Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stop.Token);
                lock (accepted)
                {
                    accepted.Add(client);
                }
            }
        });

        try
        {
            using var transport = Transport(udpOnly, DnsProtocol.Tcp, Short);

            AssertAnswered(await transport.QueryAsync("a-1.swallowed.test", QueryType.A, CancellationToken.None), "a-1.swallowed.test", 1, overTcp: false);
            AssertAnswered(await transport.QueryAsync("a-2.swallowed.test", QueryType.A, CancellationToken.None), "a-2.swallowed.test", 2, overTcp: false);

            lock (accepted)
            {
                Assert.Single(accepted);
            }
        }
        finally
        {
            await stop.CancelAsync();
            listener.Dispose();
            await Assert.ThrowsAnyAsync<Exception>(() => accepting);
            accepted.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_connection_that_answers_nothing_for_a_whole_timeout_is_replaced()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Tcp, Short);
        AssertAnswered(await transport.QueryAsync("a-1.stalled.test", QueryType.A, CancellationToken.None), "a-1.stalled.test", 1, overTcp: true);

        var silent = await transport.QueryAsync("silent-2.stalled.test", QueryType.A, CancellationToken.None);
        Assert.Contains("timeout", silent.Error, StringComparison.Ordinal);
        AssertAnswered(await transport.QueryAsync("a-3.stalled.test", QueryType.A, CancellationToken.None), "a-3.stalled.test", 3, overTcp: true);

        Assert.Equal(2, Connections(fixture.Both.ReceivedUnder("stalled.test")));
    }

    [Fact]
    public async Task A_UDP_answer_with_another_id_is_ignored_so_the_query_times_out()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Udp, Short);

        var reply = await transport.QueryAsync("wrongid-1.wrong.test", QueryType.A, CancellationToken.None);

        Assert.Null(reply.Message);
        Assert.Contains("timeout", reply.Error, StringComparison.Ordinal);
        Assert.False(Assert.Single(fixture.Both.ReceivedUnder("wrong.test")).OverTcp);
    }

    [Fact]
    public async Task The_UDP_answer_with_the_right_id_after_one_with_another_id_is_taken()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Udp, Patient);

        var reply = await transport.QueryAsync("wrongright-2.right.test", QueryType.A, CancellationToken.None);

        AssertAnswered(reply, "wrongright-2.right.test", 2, overTcp: false);
    }

    [Fact]
    public async Task A_truncated_UDP_answer_is_asked_again_over_TCP_and_the_TCP_answer_is_used()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Udp, Patient);

        var reply = await transport.QueryAsync("tc-3.big.test", QueryType.A, CancellationToken.None);

        AssertAnswered(reply, "tc-3.big.test", 3, overTcp: true);
        Assert.Equal([false, true], fixture.Both.ReceivedUnder("big.test").Select(q => q.OverTcp));
    }

    [Theory]
    [InlineData(DnsProtocol.Udp)]
    [InlineData(DnsProtocol.Tcp)]
    public async Task A_silent_server_times_out_each_attempt_and_the_error_names_the_timeout_and_the_server(DnsProtocol protocol)
    {
        using var transport = Transport(fixture.Both, protocol, Short, retries: 1);
        var zone = $"{protocol}.quiet.test";

        // Over TCP the server has answered before (a TCP path that never answered would be given up for UDP).
        AssertAnswered(await transport.QueryAsync($"a-0.{zone}", QueryType.A, CancellationToken.None), $"a-0.{zone}", 0, overTcp: protocol == DnsProtocol.Tcp);
        var clock = Stopwatch.StartNew();

        var reply = await transport.QueryAsync($"silent-1.{zone}", QueryType.A, CancellationToken.None);

        Assert.Null(reply.Message);
        Assert.Contains("timeout", reply.Error, StringComparison.Ordinal);
        Assert.Contains(fixture.Both.EndPoint.ToString(), reply.Error, StringComparison.Ordinal);
        Assert.Equal(fixture.Both.EndPoint.ToString(), reply.Server);
        Assert.InRange(clock.Elapsed, 2 * Short - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3));
        // The server logs what it reads; on a busy machine the second attempt may reach it just after the client gave up.
        List<ReceivedQuery> received;
        var waited = Stopwatch.StartNew();
        while ((received = [.. fixture.Both.ReceivedUnder(zone).Where(q => q.Name.StartsWith("silent-", StringComparison.Ordinal))]).Count < 2
            && waited.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, received.Count);
        Assert.All(received, q => Assert.Equal(protocol == DnsProtocol.Tcp, q.OverTcp));
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_followed_by_the_next_one()
    {
        using var silent = new SilentDnsServer();
        using var transport = new DnsTransport(
            [silent.EndPoint, fixture.Both.EndPoint], new DnsTransportOptions(Short, 0, true, DnsProtocol.Udp), TimeProvider.System);

        var reply = await transport.QueryAsync("a-4.next.test", QueryType.A, CancellationToken.None);

        AssertAnswered(reply, "a-4.next.test", 4, overTcp: false);
        Assert.Equal(fixture.Both.EndPoint.ToString(), reply.Server);
    }

    [Theory]
    [InlineData(DnsProtocol.Udp)]
    [InlineData(DnsProtocol.Tcp)]
    public async Task Cancelling_a_query_throws_OperationCanceledException_long_before_its_timeout(DnsProtocol protocol)
    {
        using var transport = Transport(fixture.Both, protocol, TimeSpan.FromSeconds(30), retries: 3);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.QueryAsync("silent-2.cancel.test", QueryType.A, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transport.QueryAsync("a-5.cancel.test", QueryType.A, cancelled.Token));
    }

    [Fact]
    public async Task A_name_that_cannot_be_asked_is_an_error_without_a_query()
    {
        using var transport = Transport(fixture.Both, DnsProtocol.Udp, Short);

        var reply = await transport.QueryAsync("a..b.unaskable.test", QueryType.A, CancellationToken.None);

        Assert.Null(reply.Message);
        Assert.Contains("a..b.unaskable.test", reply.Error, StringComparison.Ordinal);
        Assert.Empty(fixture.Both.ReceivedUnder("unaskable.test"));
    }

    [Fact]
    public async Task The_RD_bit_is_set_for_a_resolver_and_clear_for_an_authoritative_server()
    {
        using var resolver = new DnsTransport([fixture.Both.EndPoint], new DnsTransportOptions(Patient, 0, true, DnsProtocol.Udp), TimeProvider.System);
        using var authoritative = new DnsTransport([fixture.Both.EndPoint], new DnsTransportOptions(Patient, 0, false, DnsProtocol.Tcp), TimeProvider.System);

        AssertAnswered(await resolver.QueryAsync("a-6.rd.test", QueryType.A, CancellationToken.None), "a-6.rd.test", 6, overTcp: false);
        AssertAnswered(await authoritative.QueryAsync("a-7.rd.test", QueryType.A, CancellationToken.None), "a-7.rd.test", 7, overTcp: true);

        Assert.Equal([("a-6.rd.test", true), ("a-7.rd.test", false)], fixture.Both.ReceivedUnder("rd.test").Select(q => (q.Name, q.Recursion)));
    }
}
