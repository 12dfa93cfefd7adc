using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reconciler.Bench;

/// <summary>
/// A generated fleet of <see cref="Count"/> mail domains: the config repository (one YAML file per
/// domain), the Knot zone files (a handful of parent zones plus a shared provider zone) and the
/// MTA-STS policies the policy host serves. Every <see cref="DriftEvery"/>th domain drifts in one of
/// four ways (policy mode, DMARC policy, missing TLSA, extra MX).
/// </summary>
public sealed class World
{
    public const int DriftEvery = 20;
    public const int Providers = 8;
    public const int PolicyAddresses = 4;
    public const string Id = "20260101000000";
    private const int DomainsPerZone = 1000;

    private World(string directory, int count)
    {
        Directory = directory;
        Count = count;
        Zones = Enumerable.Range(0, Math.Max(1, (count + DomainsPerZone - 1) / DomainsPerZone)).Select(k => $"p{k}.test").ToList();
    }

    public string Directory { get; }

    public int Count { get; }

    public IReadOnlyList<string> Zones { get; }

    public string RepoDirectory => Path.Combine(Directory, "repo");

    public string ZoneDirectory => Path.Combine(Directory, "zones");

    public string PoliciesFile => Path.Combine(Directory, "policies.json");

    public string TargetsFile => Path.Combine(Directory, "policy-targets.txt");

    /// <summary>All zones Knot serves: the parent zones and <c>shared.test</c>.</summary>
    public IEnumerable<string> AllZones => Zones.Append("shared.test");

    /// <summary>The domains expected to drift.</summary>
    public int Drifting => Enumerable.Range(0, Count).Count(IsDrifting);

    /// <summary>The loopback address of policy host <paramref name="index"/> (0-based): 127.0.0.2 onward.</summary>
    public static string PolicyAddress(int index) => $"127.0.0.{2 + index}";


    /// <summary>Writes the repository, the zones, the policies and the policy fetch targets.</summary>
    public static World Generate(string directory, int count)
    {
        var world = new World(directory, count);
        System.IO.Directory.CreateDirectory(Path.Combine(world.RepoDirectory, "domains"));
        System.IO.Directory.CreateDirectory(world.ZoneDirectory);
        File.WriteAllText(Path.Combine(world.RepoDirectory, "reconciler.yaml"), "defaults:\n  tls_rpt:\n    rua: [ \"mailto:tlsrpt@reports.shared.test\" ]\n");

        var rsaKey = DkimRsaKey();
        var edKey = Convert.ToBase64String(SHA256.HashData("bench ed25519"u8));
        var zones = world.Zones.ToDictionary(z => z, z => new StringBuilder(Header(z)), StringComparer.Ordinal);
        var policies = new Dictionary<string, string>(count, StringComparer.Ordinal);
        using var targets = new StreamWriter(world.TargetsFile);
        for (var i = 0; i < count; i++)
        {
            var d = world.Describe(i);
            File.WriteAllText(Path.Combine(world.RepoDirectory, "domains", $"{d.Name}.yaml"), d.Yaml(rsaKey));
            d.WriteZone(zones[d.Zone], rsaKey);
            policies[$"mta-sts.{d.Name}"] = d.PolicyText(d.Drift == DriftKind.PolicyMode ? "testing" : "enforce");
            targets.WriteLine($"mta-sts.{d.Name} {d.PolicyAddress}");
        }

        foreach (var (zone, text) in zones)
        {
            File.WriteAllText(Path.Combine(world.ZoneDirectory, $"{zone}.zone"), text.ToString());
        }

        File.WriteAllText(Path.Combine(world.ZoneDirectory, "shared.test.zone"), SharedZone(edKey));
        File.WriteAllText(world.PoliciesFile, JsonSerializer.Serialize(policies));
        return world;
    }

    public DomainShape Describe(int i)
    {
        var zone = Zones[i % Zones.Count];
        return new DomainShape($"d{i}.{zone}", zone, i % Providers, PolicyAddress(i % PolicyAddresses), IsDrifting(i) ? (DriftKind)(i / DriftEvery % 4 + 1) : DriftKind.None);
    }

    private static bool IsDrifting(int i) => i % DriftEvery == 7;

    private static string Header(string zone) =>
        $"$ORIGIN {zone}.\n$TTL 3600\n@ SOA ns.{zone}. hostmaster.{zone}. 1 3600 600 86400 300\n@ NS ns.{zone}.\nns A 127.0.0.1\n";

    private static string SharedZone(string edKey)
    {
        var zone = new StringBuilder(Header("shared.test"));
        for (var p = 0; p < Providers; p++)
        {
            zone.Append(CultureInfo.InvariantCulture, $"_spf.prov{p} TXT \"v=spf1 ip4:192.0.2.0/24 include:_spf2.prov{p}.shared.test ~all\"\n");
            zone.Append(CultureInfo.InvariantCulture, $"_spf2.prov{p} TXT \"v=spf1 ip4:198.51.{100 + p}.0/24 ip6:2001:db8:{p}::/48 -all\"\n");
            zone.Append(CultureInfo.InvariantCulture, $"mx.prov{p} A 127.0.2.{p + 1}\n");
        }

        zone.Append("*._report._dmarc.reports TXT \"v=DMARC1\"\n");
        zone.Append(CultureInfo.InvariantCulture, $"*.dkim TXT \"v=DKIM1; k=ed25519; p={edKey}\"\n");
        return zone.ToString();
    }

    private static string DkimRsaKey()
    {
        using var rsa = RSA.Create(2048);
        return Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }
}

public enum DriftKind
{
    None,
    PolicyMode,
    DmarcPolicy,
    MissingTlsa,
    ExtraMx,
}

/// <summary>One generated domain: its name, parent zone, shared provider, policy address and drift.</summary>
public sealed record DomainShape(string Name, string Zone, int Provider, string PolicyAddress, DriftKind Drift)
{
    private string Label => Name[..^(Zone.Length + 1)];

    private string Tlsa => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Name)));

    public string PolicyText(string mode) =>
        $"version: STSv1\r\nmode: {mode}\r\nmx: mx1.{Name}\r\nmx: *.prov{Provider}.shared.test\r\nmax_age: 604800\r\n";

    public string Yaml(string rsaKey) => $"""
        domain: {Name}
        mx:
          - {"{"} preference: 10, host: mx1.{Name} {"}"}
          - {"{"} preference: 20, host: mx.prov{Provider}.shared.test {"}"}
        mta_sts:
          mode: enforce
          max_age: 604800
          mx: [ mx1.{Name}, "*.prov{Provider}.shared.test" ]
          id: "{World.Id}"
        spf: "v=spf1 mx include:_spf.prov{Provider}.shared.test -all"
        dmarc:
          p: reject
          sp: reject
          rua: [ "mailto:dmarc@reports.shared.test" ]
        dkim:
          s1: {"{"} key: "v=DKIM1; k=rsa; p={rsaKey}" {"}"}
          s2: {"{"} cname: s2-{Label.Replace('.', '-')}.dkim.shared.test {"}"}
        dane:
          mx1.{Name}: [ "3 1 1 {Tlsa}" ]

        """;

    public void WriteZone(StringBuilder zone, string rsaKey)
    {
        var l = Label;
        zone.Append(CultureInfo.InvariantCulture, $"{l} MX 10 mx1.{Name}.\n{l} MX 20 mx.prov{Provider}.shared.test.\n");
        if (Drift == DriftKind.ExtraMx)
        {
            zone.Append(CultureInfo.InvariantCulture, $"{l} MX 30 mx2.{Name}.\nmx2.{l} A 127.0.3.1\n");
        }

        zone.Append(CultureInfo.InvariantCulture, $"mx1.{l} A 127.0.3.1\n");
        zone.Append(CultureInfo.InvariantCulture, $"{l} TXT \"v=spf1 mx include:_spf.prov{Provider}.shared.test -all\"\n");
        zone.Append(CultureInfo.InvariantCulture, $"_mta-sts.{l} TXT \"v=STSv1; id={World.Id}\"\n");
        zone.Append(CultureInfo.InvariantCulture, $"mta-sts.{l} A {PolicyAddress}\n");
        zone.Append(CultureInfo.InvariantCulture, $"_smtp._tls.{l} TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.shared.test\"\n");
        var p = Drift == DriftKind.DmarcPolicy ? "none" : "reject";
        zone.Append(CultureInfo.InvariantCulture, $"_dmarc.{l} TXT \"v=DMARC1; p={p}; sp=reject; rua=mailto:dmarc@reports.shared.test\"\n");
        zone.Append(CultureInfo.InvariantCulture, $"s1._domainkey.{l} TXT (\"v=DKIM1; k=rsa; p={rsaKey[..200]}\" \"{rsaKey[200..]}\")\n");
        zone.Append(CultureInfo.InvariantCulture, $"s2._domainkey.{l} CNAME s2-{l.Replace('.', '-')}.dkim.shared.test.\n");
        if (Drift != DriftKind.MissingTlsa)
        {
            zone.Append(CultureInfo.InvariantCulture, $"_25._tcp.mx1.{l} TLSA 3 1 1 {Tlsa}\n");
        }
    }
}
