using System.Net;
using System.Security.Cryptography;
using Reconciler.IntegrationTests.Fixtures;

namespace Reconciler.IntegrationTests.Plan;

/// <summary>One kind of drift planted in the generated world, and the check that must report it.</summary>
public sealed record PlantedDrift(string Name, string Check, bool MakesDrift = true);

/// <summary>
/// A generated world for end-to-end plans: <c>dNNNN.plan.test</c> domains in one Knot zone, their policy
/// hosts on a Kestrel at 127.0.0.2 with certificates from a test CA, and a config repository declaring
/// them all. Every fifth domain carries one planted drift (the kinds in turn); the others are clean.
/// </summary>
public sealed class PlanWorld : IAsyncDisposable
{
    public const string Zone = "plan.test";
    public const string Id = "20260101000000";
    public static readonly IPAddress PolicyAddress = IPAddress.Parse("127.0.0.2");

    public static readonly PlantedDrift[] Kinds =
    [
        new("mx-missing", "mx"),
        new("mx-extra", "mx"),
        new("mta-sts-txt-missing", "mta-sts-txt"),
        new("mta-sts-txt-old-id", "mta-sts-txt"),
        new("policy-testing-same-id", "mta-sts-id"),
        new("policy-not-found", "mta-sts-policy"),
        new("policy-wrong-certificate", "mta-sts-policy"),
        new("coverage-uncovered-mx", "mta-sts-mx-coverage"),
        new("tls-rpt-missing", "tls-rpt"),
        new("tls-rpt-other-rua", "tls-rpt"),
        new("spf-softfail", "spf"),
        new("spf-two-records", "spf"),
        new("dmarc-p-none", "dmarc"),
        new("dmarc-missing", "dmarc"),
        new("dmarc-report-auth-missing", "dmarc-report-auth", MakesDrift: false),
        new("dkim-other-key", "dkim"),
        new("dkim-other-cname", "dkim"),
        new("dane-missing", "dane"),
        new("dane-extra", "dane"),
    ];

    private const string Tlsa1 = "14699ac64a30e53ef510e2c92035735b9ebd065d28be65a427e93e93450d4bb9";
    private const string Tlsa2 = "21fe547b06d2523faea23162581d792cb9c642e067432668be229001e733e123";

    private PlanWorld(string repo, KnotServer dns, PolicyServer https, IReadOnlyList<string> domains, IReadOnlyDictionary<string, PlantedDrift> planted)
    {
        Repo = repo;
        Dns = dns;
        Https = https;
        Domains = domains;
        Planted = planted;
    }

    public string Repo { get; }

    public KnotServer Dns { get; }

    public PolicyServer Https { get; }

    public IReadOnlyList<string> Domains { get; }

    /// <summary>The drift planted per domain; domains not listed are clean.</summary>
    public IReadOnlyDictionary<string, PlantedDrift> Planted { get; }

    public string[] ObserveArgs(int timeoutSeconds = 5) =>
        ["--repo", Repo, "--dns", $"{Dns.EndPoint.Address}:{Dns.EndPoint.Port}", "--policy-port", Https.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--ca-file", Https.CaFile, "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--concurrency", "64"];

    public static async Task<PlanWorld> CreateAsync(int count)
    {
        using var rsa = RSA.Create(2048);
        var key = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        using var otherRsa = RSA.Create(2048);
        var otherKey = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(otherRsa.ExportSubjectPublicKeyInfo());

        var repo = Directory.CreateTempSubdirectory("reconciler-plan-world-").FullName;
        Directory.CreateDirectory(Path.Combine(repo, "domains"));
        var zone = new ZoneBuilder(Zone)
            .Txt("_spf", "v=spf1 ip4:192.0.2.0/24 -all")
            .TxtSplit("s2.keys", key)
            .TxtSplit("s2-other.keys", otherKey);
        var domains = new List<string>();
        var planted = new Dictionary<string, PlantedDrift>(StringComparer.Ordinal);
        var policies = new Dictionary<string, PolicyResponse>(StringComparer.Ordinal);
        var https = await PolicyServer.StartAsync([PolicyAddress]);
        for (var i = 0; i < count; i++)
        {
            var domain = $"d{i:D4}.{Zone}";
            domains.Add(domain);
            var drift = i % 5 == 0 ? Kinds[i / 5 % Kinds.Length] : null;
            if (drift is not null)
            {
                planted[domain] = drift;
            }

            var kind = drift?.Name;
            await File.WriteAllTextAsync(Path.Combine(repo, "domains", $"{domain}.yaml"), DomainYaml(domain, key, kind));
            AddZone(zone, domain, key, otherKey, kind);
            var mode = kind == "policy-testing-same-id" ? "testing" : "enforce";
            policies[$"mta-sts.{domain}"] = kind == "policy-not-found"
                ? new PolicyResponse(404, "text/plain", "not here")
                : PolicyResponse.Ok($"version: STSv1\r\nmode: {mode}\r\nmx: mx1.{domain}\r\nmx: mx2.{domain}\r\nmax_age: 604800\r\n");
            if (kind == "policy-wrong-certificate")
            {
                https.Present($"mta-sts.{domain}", CertificateKind.WrongName);
            }
        }

        https.DefaultResponse = host => policies.GetValueOrDefault(host) ?? new PolicyResponse(404, "text/plain", "unknown host");
        // The external report destination's zone exists but authorises nobody (NXDOMAIN, not REFUSED).
        var elsewhere = new ZoneBuilder("elsewhere.test").A("relay", "192.0.2.99");
        var dns = await KnotServer.StartAsync([zone, elsewhere]);
        return new PlanWorld(repo, dns, https, domains, planted);
    }

    public async ValueTask DisposeAsync()
    {
        await Dns.DisposeAsync();
        await Https.DisposeAsync();
        try
        {
            Directory.Delete(Repo, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static string DomainYaml(string domain, string key, string? kind)
    {
        var mx = kind == "coverage-uncovered-mx"
            ? ""
            : $"mx:\n  - {{ preference: 10, host: mx1.{domain} }}\n  - {{ preference: 20, host: mx2.{domain} }}\n";
        var rua = kind == "dmarc-report-auth-missing" ? $"[ \"mailto:dmarc@{domain}\", \"mailto:agg@reports.elsewhere.test\" ]" : $"[ \"mailto:dmarc@{domain}\" ]";
        return $"domain: {domain}\n{mx}" +
            $"mta_sts:\n  mode: enforce\n  max_age: 604800\n  mx: [ mx1.{domain}, mx2.{domain} ]\n  id: \"{Id}\"\n" +
            $"tls_rpt:\n  rua: [ \"mailto:tls@{domain}\" ]\n" +
            $"spf: \"v=spf1 mx include:_spf.{Zone} -all\"\n" +
            $"dmarc:\n  p: reject\n  rua: {rua}\n" +
            $"dkim:\n  s1: {{ key: \"{key}\" }}\n  s2: {{ cname: s2.keys.{Zone} }}\n" +
            $"dane:\n  mx1.{domain}: [ \"3 1 1 {Tlsa1}\" ]\n";
    }

    private static void AddZone(ZoneBuilder z, string domain, string key, string otherKey, string? kind)
    {
        var d = domain[..^(Zone.Length + 1)];
        z.Mx(d, 10, $"mx1.{domain}.");
        if (kind != "mx-missing")
        {
            z.Mx(d, 20, $"mx2.{domain}.");
        }

        if (kind == "mx-extra")
        {
            z.Mx(d, 30, $"mx3.{domain}.");
        }

        if (kind == "coverage-uncovered-mx")
        {
            z.Mx(d, 30, "relay.elsewhere.test.");
        }

        z.A($"mx1.{d}", "192.0.2.1").A($"mx2.{d}", "192.0.2.2").A($"mx3.{d}", "192.0.2.3");
        z.Txt(d, kind == "spf-softfail" ? $"v=spf1 mx include:_spf.{Zone} ~all" : $"v=spf1 mx include:_spf.{Zone} -all");
        z.Txt(d, "google-site-verification=planworld");
        if (kind == "spf-two-records")
        {
            z.Txt(d, "v=spf1 -all");
        }

        if (kind != "mta-sts-txt-missing")
        {
            z.Txt($"_mta-sts.{d}", $"v=STSv1; id={(kind == "mta-sts-txt-old-id" ? "20250101000000" : Id)}");
        }

        z.A($"mta-sts.{d}", PolicyAddress.ToString());
        if (kind != "tls-rpt-missing")
        {
            z.Txt($"_smtp._tls.{d}", $"v=TLSRPTv1; rua=mailto:{(kind == "tls-rpt-other-rua" ? "other" : "tls")}@{domain}");
        }

        if (kind != "dmarc-missing")
        {
            var rua = kind == "dmarc-report-auth-missing" ? $"mailto:dmarc@{domain},mailto:agg@reports.elsewhere.test" : $"mailto:dmarc@{domain}";
            z.Txt($"_dmarc.{d}", $"v=DMARC1; p={(kind == "dmarc-p-none" ? "none" : "reject")}; rua={rua}");
        }

        z.TxtSplit($"s1._domainkey.{d}", kind == "dkim-other-key" ? otherKey : key);
        z.Cname($"s2._domainkey.{d}", kind == "dkim-other-cname" ? $"s2-other.keys.{Zone}." : $"s2.keys.{Zone}.");
        if (kind != "dane-missing")
        {
            z.Tlsa($"_25._tcp.mx1.{d}", 3, 1, 1, Tlsa1);
        }

        if (kind == "dane-extra")
        {
            z.Tlsa($"_25._tcp.mx1.{d}", 3, 1, 1, Tlsa2);
        }
    }
}
