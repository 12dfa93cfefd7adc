using System.Net;
using Reconciler.Desired;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>
/// The world the fault rows run in, started once for the collection: one Knot serving
/// <c>faults.test</c> (clean, drifting, hostile and oversized domains) and a broken zone (SERVFAIL;
/// any other zone is REFUSED), a Kestrel policy server on 127.0.0.2 and a raw TLS policy host on
/// 127.0.0.4 (reset mid-body, self-signed).
/// </summary>
public sealed class FaultWorld : IAsyncLifetime
{
    public const string Zone = "faults.test";
    public static readonly IPAddress PolicyAddress = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress RawAddress = IPAddress.Parse("127.0.0.4");

    /// <summary>Markdown, HTML, a mention, a link, a table break and a BEL: planted in a DKIM TXT (the n= notes tag).</summary>
    public const string Hostile = "@octocat <img src=x onerror=alert(1)> | ![p](javascript:alert(1)) ``` <!-- x";

    public const string Policy = "version: STSv1\nmode: enforce\nmx: mx.clean.faults.test\nmax_age: 604800\n";

    public KnotServer Dns { get; private set; } = null!;

    public PolicyServer Https { get; private set; } = null!;

    public RawTlsPolicyHost Raw { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Https = await PolicyServer.StartAsync([PolicyAddress]);
        Https.Serve($"mta-sts.clean.{Zone}", PolicyResponse.Ok(Policy));
        Https.Serve($"mta-sts.inject.{Zone}", PolicyResponse.Ok("version: STSv1\nmode: enforce\nmx: <b>@octocat</b>|x\nmax_age: 604800\n"));
        Https.Serve($"mta-sts.trickle.{Zone}", PolicyResponse.Ok(Policy) with { TrickleDelay = TimeSpan.FromMilliseconds(400) });
        Raw = new RawTlsPolicyHost(RawAddress, Https.Port, Https.Authority, new Dictionary<string, RawBehaviour>
        {
            [$"mta-sts.reset.{Zone}"] = RawBehaviour.ResetMidBody,
            [$"mta-sts.selfsigned.{Zone}"] = RawBehaviour.SelfSigned,
        });
        Dns = await KnotServer.StartAsync([FaultsZone(), new ZoneBuilder("servfail.test").Broken()]);
    }

    public async Task DisposeAsync()
    {
        Raw.Dispose();
        await Dns.DisposeAsync();
        await Https.DisposeAsync();
    }

    public LiveObserverOptions Options(IPEndPoint? dns = null) => new()
    {
        Resolvers = [dns ?? Dns.EndPoint],
        Timeout = TimeSpan.FromSeconds(4),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        DnsRetries = 0,
        PolicyPort = Https.Port,
        CaFile = Https.CaFile,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>The observation options of a CLI run against this world.</summary>
    public string[] CliObserveArgs(IPEndPoint? dns = null) =>
    [
        "--dns", $"{(dns ?? Dns.EndPoint).Address}:{(dns ?? Dns.EndPoint).Port}", "--policy-port", Https.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--ca-file", Https.CaFile, "--timeout", "4",
    ];

    public static DomainSpec MtaStsSpec(string domain) => new(
        domain, $"domains/{domain}.yaml", null,
        new MtaStsSpec(Records.MtaStsMode.Enforce, 604800, ["mx.clean.faults.test"], false, "20260101000000"),
        null, null, null, null, null);

    public static DomainSpec Bare(string domain) => new(domain, $"domains/{domain}.yaml", null, null, null, null, null, null, null);

    /// <summary>Domain files: MX only (the common case), or with an MTA-STS policy.</summary>
    public static string MxYaml(string domain, string mxHost) =>
        $"domain: {domain}\nmx:\n  - {{ preference: 10, host: {mxHost} }}\n";

    public const string DkimKey = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAugwdOE0qSxmtGmo+EQOkT63n6LFhWgBhrZF40XkklnpU6AmpqY2tDX+iGd9R+B0Ws67dpC2kA5h0gLNgQ8F9yYk88DNUjFZL2RHaol5d9vnt1dhpKlTXCRQ6h2Qhew1Xweba4vtfxYGGDEBlprBQIFymFtLpXIM4Nd/WthM6vA3Ac01I01qcf2OSfEsSr3crluBDAdIbPTnkn1Y29J+/I7BKPlXQAB00a2JUM2Y/EE18g/NNLBlG1WE4E7LGSH5usfYYCLOpkCFPc5lELglxpg6Jd/Ll6k5gUdceLhZskD5htXHSTURQIbOHgDxW/hPJMfNOGYlofKZBMbUKY/6W2QIDAQAB";

    /// <summary>Two DKIM selectors declared with one key: the hostile and the very long live values differ from it.</summary>
    public static string DkimYaml(string domain) =>
        $"domain: {domain}\ndkim:\n  s1: {{ key: \"{DkimKey}\" }}\n  s2: {{ key: \"{DkimKey}\" }}\n";

    private static ZoneBuilder FaultsZone()
    {
        var z = new ZoneBuilder(Zone);
        z.Mx("clean", 10, "mx.clean.faults.test.").A("mta-sts.clean", PolicyAddress.ToString())
            .Txt("_mta-sts.clean", "v=STSv1; id=20260101000000");
        z.Mx("drift", 10, "mx-other.faults.test.");
        z.Mx("other", 10, "mx.other.faults.test.");
        // Untrusted content: a DKIM key whose notes carry Markdown/HTML/mentions and a BEL, and a hostile policy.
        z.Add("s1._domainkey.inject", "TXT", $"\"v=DKIM1; k=rsa; n={Hostile.Replace("\"", "\\\"", StringComparison.Ordinal)} \\007\\027[31m; p=AAAA\"");
        z.TxtSplit("s2._domainkey.inject", "v=DKIM1; k=rsa; n=" + new string('L', 20_000) + "; p=BBBB");
        z.A("mta-sts.inject", PolicyAddress.ToString()).Txt("_mta-sts.inject", "v=STSv1; id=20260101000000");
        // Bigger than a UDP answer (truncated, then asked again over TCP), and bigger than any DNS message.
        z.TxtSplit("big", "v=spf1 " + string.Join(' ', Enumerable.Range(0, 400).Select(i => $"ip4:192.0.2.{i % 250}")) + " -all");
        foreach (var i in Enumerable.Range(0, 300))
        {
            z.Txt("huge", $"{i:D4}", new string('h', 250));
        }

        // Policy hosts that misbehave below HTTP, on the raw TLS host.
        z.A("mta-sts.reset", RawAddress.ToString()).Txt("_mta-sts.reset", "v=STSv1; id=20260101000000");
        z.A("mta-sts.selfsigned", RawAddress.ToString()).Txt("_mta-sts.selfsigned", "v=STSv1; id=20260101000000");
        z.A("mta-sts.trickle", PolicyAddress.ToString()).Txt("_mta-sts.trickle", "v=STSv1; id=20260101000000");
        // A CNAME loop at the policy host name.
        z.Cname("mta-sts.loop", "mta-sts-b.loop.faults.test.").Cname("mta-sts-b.loop", "mta-sts.loop.faults.test.")
            .Txt("_mta-sts.loop", "v=STSv1; id=20260101000000");
        return z;
    }

    /// <summary>A config repository in a temporary directory, committed with git (the reconcile command needs a commit).</summary>
    public static ConfigRepo Repo(IReadOnlyDictionary<string, string> files) => new(files);
}

/// <summary>A throw-away git repository of domain files.</summary>
public sealed class ConfigRepo : IDisposable
{
    public ConfigRepo(IReadOnlyDictionary<string, string> files)
    {
        Write(files);
        GitCli.Run(Path, "init", "-q", "-b", "main");
        Commit("domains");
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("reconciler-faults-").FullName;

    public string Head => GitCli.Run(Path, "rev-parse", "HEAD").Trim();

    public void Write(IReadOnlyDictionary<string, string> files)
    {
        foreach (var (name, text) in files)
        {
            var full = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }

    public void WriteBytes(string name, byte[] bytes) => File.WriteAllBytes(System.IO.Path.Combine(Path, name), bytes);

    public void Commit(string message)
    {
        GitCli.CommitAll(Path, message);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>
/// Runs alone, after the parallel collections: its tests stop servers, flood CPUs with TLS handshakes and
/// megabytes of YAML, and must neither disturb the timing-sensitive world tests nor be disturbed by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<FaultWorld>
{
    public const string Name = "Faults";
}
