using DnsClient;
using DnsClient.Protocol;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe;
using Reconciler.Observe.Dns;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>An empty NOERROR without the AA bit: "no such record" from a resolver, nothing at all from a zone's own server.</summary>
public sealed class ReferralTests
{
    private static async Task<Observation<IReadOnlyList<DnsResourceRecord>>> AskAsync(RcodeDnsServer server, bool recursion)
    {
        using var transport = new DnsTransport(
            [server.EndPoint], new DnsTransportOptions(TimeSpan.FromSeconds(2), 0, recursion, DnsProtocol.Udp), TimeProvider.System);
        var lookup = new DnsLookup(transport, server.EndPoint.ToString(), new ObserveCounters());
        return (await lookup.ResolveAsync("_dmarc.delegated.test", QueryType.TXT, CancellationToken.None)).Records;
    }

    [Fact]
    public async Task A_non_authoritative_empty_answer_from_a_zone_server_is_unknown_never_absent()
    {
        using var server = new RcodeDnsServer(0);

        var fromZoneServer = await AskAsync(server, recursion: false);
        var fromResolver = await AskAsync(server, recursion: true);

        Assert.Contains("not authoritative", Assert.IsType<Unknown<IReadOnlyList<DnsResourceRecord>>>(fromZoneServer).Reason, StringComparison.Ordinal);
        Assert.Equal(AbsenceKind.NoData, Assert.IsType<Absent<IReadOnlyList<DnsResourceRecord>>>(fromResolver).Kind);
    }
}
