using System.Net;
using Reconciler.Desired;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>
/// One Knot serving obs.test (the cases), other.test (targets outside the zone) and a broken zone
/// (SERVFAIL), and one Kestrel policy server on 127.0.0.2 and 127.0.0.3; started once for the collection.
/// </summary>
public sealed class ObserveFixture : IAsyncLifetime
{
    public static readonly IPAddress First = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress Second = IPAddress.Parse("127.0.0.3");
    public static readonly string LongDmarc = "v=DMARC1; p=reject; rua=" + string.Join(",", Enumerable.Range(0, 12).Select(i => $"mailto:dmarc-reports-{i}@full.obs.test"));
    public const string PolicyLf = "version: STSv1\nmode: enforce\nmx: mx1.full.obs.test\nmax_age: 604800\n";
    public const string PolicyCrlf = "version: STSv1\r\nmode: testing\r\nmx: *.obs.test\r\nmax_age: 86400\r\n";

    public KnotServer Dns { get; private set; } = null!;

    public PolicyServer Https { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Https = await PolicyServer.StartAsync([First, Second]);
        Dns = await KnotServer.StartAsync([ObsZone(), OtherZone(), new ZoneBuilder("broken.test").Broken()]);
        ConfigurePolicies(Https);
    }

    public async Task DisposeAsync()
    {
        await Dns.DisposeAsync();
        await Https.DisposeAsync();
    }

    public LiveObserver Observer(IPEndPoint? dns = null) => new(Options(dns));

    public LiveObserverOptions Options(IPEndPoint? dns = null) => new()
    {
        Resolvers = [dns ?? Dns.EndPoint],
        Timeout = TimeSpan.FromSeconds(3),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        DnsRetries = 0,
        PolicyPort = Https.Port,
        CaFile = Https.CaFile,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    public static DomainSpec Spec(
        string domain,
        bool mtaSts = false,
        IReadOnlyList<string>? dkim = null,
        IReadOnlyList<string>? dane = null,
        string? rua = null) => new(
        domain,
        $"domains/{domain}.yaml",
        null,
        mtaSts ? new MtaStsSpec(Records.MtaStsMode.Enforce, 604800, [$"mx1.{domain}"], false, "1") : null,
        null,
        null,
        rua is null ? null : new DmarcSpec(new Dictionary<string, string> { ["p"] = "reject", ["rua"] = rua }),
        dkim?.ToDictionary(s => s, _ => new DkimSpec(null, "v=DKIM1; p=x", false)),
        dane?.ToDictionary(h => h, _ => (IReadOnlyList<string>)["3 1 1 00"]));

    private static ZoneBuilder ObsZone()
    {
        var z = new ZoneBuilder("obs.test");
        // A domain with everything.
        z.Mx("full", 10, "mx1.full.obs.test.").Mx("full", 20, "mx2.full.obs.test.")
            .Txt("full", "v=spf1 include:_spf.shared.obs.test ", "-all").Txt("full", "google-site-verification=abc")
            .Txt("_mta-sts.full", "v=STSv1; id=20240101")
            .Txt("_smtp._tls.full", "v=TLSRPTv1; rua=mailto:tls@full.obs.test")
            .TxtSplit("_dmarc.full", LongDmarc)
            .Txt("s1._domainkey.full", "v=DKIM1; k=rsa; p=AAAA")
            .Cname("s2._domainkey.full", "s2.keys.other.test.")
            .Cname("s3._domainkey.full", "s3-hop.full.obs.test.").Cname("s3-hop.full", "s3.keys.other.test.")
            .Cname("s4._domainkey.full", "gone.full.obs.test.")
            .Cname("s5._domainkey.full", "s5b.full.obs.test.").Cname("s5b.full", "s5._domainkey.full.obs.test.")
            .Cname("s6._domainkey.full", "missing.other.test.")
            .Cname("s7._domainkey.full", "hop1.full.obs.test.")
            .Cname("s8._domainkey.full", "hop2.full.obs.test.")
            .Tlsa("_25._tcp.mx1.full", 3, 1, 1, "2F5C0BAD00FF")
            .A("mx1.full", "192.0.2.1").A("mx2.full", "192.0.2.2")
            .A("mta-sts.full", "127.0.0.2").A("mta-sts.full", "127.0.0.3");
        // A chain of nine CNAMEs from s7 (one too many), eight from s8 (the most allowed).
        foreach (var i in Enumerable.Range(1, 8))
        {
            z.Cname($"hop{i}.full", $"hop{i + 1}.full.obs.test.");
        }

        z.Txt("hop9.full", "v=DKIM1; p=FAR");

        // A name that exists with no records of the asked types.
        z.A("bare", "192.0.2.9");
        // SPF trees.
        z.Txt("_spf.shared", "v=spf1 ip4:192.0.2.0/24 -all").Txt("_spf2.shared", "v=spf1 include:_spf.shared.obs.test ~all");
        z.Txt("spf-ok", "v=spf1 include:_spf.shared.obs.test include:_spf2.shared.obs.test a mx -all").A("spf-ok", "192.0.2.3").Mx("spf-ok", 10, "mx1.full.obs.test.");
        z.Txt("spf-other", "v=spf1 include:_spf2.shared.obs.test a:mx1.full.obs.test -all");
        z.Txt("spf-void", "v=spf1 a:nx1.obs.test mx:bare.obs.test exists:nx3.obs.test include:nx4.obs.test ip4:192.0.2.1 -all");
        z.Txt("spf-loop", "v=spf1 include:loop-a.obs.test -all").Txt("loop-a", "v=spf1 include:loop-b.obs.test -all").Txt("loop-b", "v=spf1 include:loop-a.obs.test -all");
        z.Txt("spf-many", "v=spf1 " + string.Join(" ", Enumerable.Range(1, 12).Select(i => $"include:m{i}.obs.test")) + " -all");
        foreach (var i in Enumerable.Range(1, 12))
        {
            z.Txt($"m{i}", "v=spf1 -all");
        }

        z.Txt("spf-huge", "v=spf1 " + string.Join(" ", Enumerable.Range(1, 24).Select(i => $"include:m{(i % 12) + 1}.obs.test")) + " -all");
        z.Txt("spf-noinc", "v=spf1 include:bare-txt.obs.test -all").Txt("bare-txt", "hello");
        z.Txt("spf-unknown", "v=spf1 include:x.broken.test -all");
        z.Txt("spf-macro", "v=spf1 exists:%{i}._spf.obs.test ptr -all");
        z.Txt("spf-redirect", "v=spf1 redirect=_spf2.shared.obs.test");
        z.Txt("spf-two", "v=spf1 -all").Txt("spf-two", "v=spf1 ~all");
        // Policy hosts, one per behaviour.
        foreach (var host in PolicyHosts)
        {
            z.A($"mta-sts.{host}", "127.0.0.2");
        }

        z.A("mta-sts.twobodies", "127.0.0.3");
        z.A("mta-sts.down", "127.0.0.9");
        z.Aaaa("mta-sts.v6only", "::1");
        z.Cname("mta-sts.viabroken", "mta-sts.x.broken.test.");
        return z;
    }

    public static readonly string[] PolicyHosts =
        ["ok-lf", "ok-crlf", "redirect", "notfound", "error500", "html", "oversize", "oversize-declared", "trickle", "twobodies", "expired", "wrongname", "untrusted", "tls10", "noctype"];

    private static ZoneBuilder OtherZone() => new ZoneBuilder("other.test")
        .Txt("s2.keys", "v=DKIM1; k=rsa; p=BBBB")
        .Txt("s3.keys", "v=DKIM1; k=rsa; p=CCCC")
        .Txt("full.obs.test._report._dmarc.reports", "v=DMARC1");

    private static void ConfigurePolicies(PolicyServer https)
    {
        static string H(string name) => $"mta-sts.{name}.obs.test";
        https.Serve(H("full"), PolicyResponse.Ok(PolicyLf));
        https.Serve(H("ok-lf"), PolicyResponse.Ok(PolicyLf));
        https.Serve(H("ok-crlf"), new PolicyResponse(200, "TEXT/PLAIN", PolicyCrlf));
        https.Serve(H("redirect"), new PolicyResponse(301, "text/plain", "", "https://elsewhere.example/.well-known/mta-sts.txt"));
        https.Serve(H("error500"), new PolicyResponse(500, "text/plain", "oops"));
        https.Serve(H("html"), new PolicyResponse(200, "text/html", "<html></html>"));
        https.Serve(H("noctype"), new PolicyResponse(200, null, PolicyLf));
        https.Serve(H("oversize"), PolicyResponse.Ok(new string('x', 70 * 1024)));
        https.Serve(H("oversize-declared"), PolicyResponse.Ok(new string('y', 65 * 1024)) with { DeclareLength = true });
        https.Serve(H("trickle"), PolicyResponse.Ok(PolicyLf) with { TrickleDelay = TimeSpan.FromMilliseconds(300) });
        https.Serve(H("twobodies"), PolicyResponse.Ok(PolicyLf), First);
        https.Serve(H("twobodies"), PolicyResponse.Ok(PolicyCrlf), Second);
        foreach (var h in new[] { "expired", "wrongname", "untrusted", "tls10", "v6only" })
        {
            https.Serve(H(h), PolicyResponse.Ok(PolicyLf));
        }

        https.Present(H("expired"), CertificateKind.Expired);
        https.Present(H("wrongname"), CertificateKind.WrongName);
        https.Present(H("untrusted"), CertificateKind.UntrustedIssuer);
        https.Present(H("tls10"), CertificateKind.Tls10Only);
        https.Prepare(PolicyHosts.Append("full").Select(H));
    }
}

[CollectionDefinition(Name)]
public sealed class ObserveCollection : ICollectionFixture<ObserveFixture>
{
    public const string Name = "Observe";
}
