using System.Globalization;
using System.Net;
using Reconciler.Desired;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>
/// A generated world of <see cref="Count"/> domains under world.test on its own Knot, every
/// <c>mta-sts.&lt;d&gt;</c> pointing at 127.0.0.2 where one Kestrel serves each policy by SNI and Host.
/// </summary>
public sealed class WorldFixture : IAsyncLifetime
{
    public const int Count = 1000;

    public KnotServer Dns { get; private set; } = null!;

    public PolicyServer Https { get; private set; } = null!;

    public IReadOnlyList<DomainSpec> Specs { get; } = Enumerable.Range(0, Count).Select(i => Spec(Domain(i))).ToList();

    public static string Domain(int i) => $"d{i.ToString("D4", CultureInfo.InvariantCulture)}.world.test";

    public static string Policy(string domain) => $"version: STSv1\nmode: enforce\nmx: mx.{domain}\nmax_age: 86400\n";

    public static string Spf(int i) => $"v=spf1 include:_spf.world.test ip4:10.0.{i / 256}.{i % 256} -all";

    public static string Dkim(int i) => $"v=DKIM1; k=rsa; p=KEY{i}";

    public async Task InitializeAsync()
    {
        Https = await PolicyServer.StartAsync([IPAddress.Parse("127.0.0.2")]);
        Https.DefaultResponse = host => PolicyResponse.Ok(Policy(host["mta-sts.".Length..]));
        Https.Prepare(Enumerable.Range(0, Count).Select(i => $"mta-sts.{Domain(i)}"));
        var zone = new ZoneBuilder("world.test").Txt("_spf", "v=spf1 ip4:192.0.2.0/24 -all");
        for (var i = 0; i < Count; i++)
        {
            var d = $"d{i.ToString("D4", CultureInfo.InvariantCulture)}";
            zone.Mx(d, 10, $"mx.{d}.world.test.")
                .A($"mx.{d}", "192.0.2.25")
                .Txt(d, Spf(i))
                .Txt($"_mta-sts.{d}", $"v=STSv1; id={i}")
                .Txt($"_smtp._tls.{d}", $"v=TLSRPTv1; rua=mailto:tls@{d}.world.test")
                .Txt($"_dmarc.{d}", $"v=DMARC1; p=reject; rua=mailto:dmarc@{d}.world.test")
                .Txt($"s1._domainkey.{d}", Dkim(i))
                .Tlsa($"_25._tcp.mx.{d}", 3, 1, 1, $"{i:x4}aa")
                .A($"mta-sts.{d}", "127.0.0.2");
        }

        Dns = await KnotServer.StartAsync([zone]);
    }

    public async Task DisposeAsync()
    {
        await Dns.DisposeAsync();
        await Https.DisposeAsync();
    }

    public LiveObserver Observer(double timeoutSeconds = 2, int concurrency = 64) => new(new LiveObserverOptions
    {
        Resolvers = [Dns.EndPoint],
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        DnsRetries = 0,
        Concurrency = concurrency,
        PolicyPort = Https.Port,
        CaFile = Https.CaFile,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    });

    private static DomainSpec Spec(string domain) => new(
        domain,
        $"domains/{domain}.yaml",
        null,
        new MtaStsSpec(Records.MtaStsMode.Enforce, 86400, [$"mx.{domain}"], false, "1"),
        null,
        null,
        null,
        new Dictionary<string, DkimSpec> { ["s1"] = new(null, "v=DKIM1; p=x", false) },
        new Dictionary<string, IReadOnlyList<string>> { [$"mx.{domain}"] = ["3 1 1 00"] });
}
