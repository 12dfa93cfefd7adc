using Reconciler.Desired;
using Reconciler.Records;
using YamlDotNet.Serialization;

namespace Reconciler.Tests.Plan;

/// <summary>Test-only mapping of a golden case's desired.yaml until the desired-state loader is merged.</summary>
internal static class GoldenDomainYaml
{
    public static DomainSpec Load(string path)
    {
        var root = (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path))!;
        var domain = (string)root["domain"];
        List<MxRecord>? mx = root.TryGetValue("mx", out var m)
            ? ((List<object>)m).Cast<Dictionary<object, object>>().Select(e => new MxRecord(int.Parse((string)e["preference"]), DnsName.Normalize((string)e["host"]))).ToList()
            : null;
        MtaStsSpec? sts = null;
        if (root.TryGetValue("mta_sts", out var s))
        {
            var map = (Dictionary<object, object>)s;
            var declared = map.TryGetValue("mx", out var p);
            var patterns = declared ? ((List<object>)p!).Cast<string>().ToList() : mx!.Select(x => x.Host).ToList();
            sts = new MtaStsSpec(Enum.Parse<MtaStsMode>((string)map["mode"], true), long.Parse((string)map["max_age"]), patterns, declared, (string)map["id"]);
        }

        TlsRptSpec? tls = root.TryGetValue("tls_rpt", out var t) ? new TlsRptSpec(((List<object>)((Dictionary<object, object>)t)["rua"]).Cast<string>().ToList()) : null;
        DmarcSpec? dmarc = root.TryGetValue("dmarc", out var d)
            ? new DmarcSpec(((Dictionary<object, object>)d).ToDictionary(k => (string)k.Key, k => k.Value is List<object> l ? string.Join(",", l.Cast<string>()) : (string)k.Value))
            : null;
        Dictionary<string, DkimSpec>? dkim = root.TryGetValue("dkim", out var k2)
            ? ((Dictionary<object, object>)k2).ToDictionary(e => (string)e.Key, e =>
            {
                var v = (Dictionary<object, object>)e.Value;
                return new DkimSpec(v.TryGetValue("cname", out var c) ? (string)c : null, v.TryGetValue("key", out var key) ? (string)key : null, v.ContainsKey("absent"));
            })
            : null;
        Dictionary<string, IReadOnlyList<string>>? dane = root.TryGetValue("dane", out var dn)
            ? ((Dictionary<object, object>)dn).ToDictionary(e => (string)e.Key, e => (IReadOnlyList<string>)((List<object>)e.Value).Cast<string>().ToList())
            : null;
        return new DomainSpec(domain, $"domains/{domain}.yaml", mx, sts, tls, root.TryGetValue("spf", out var spf) ? (string)spf : null,
            dmarc, dkim?.AsReadOnly(), dane?.AsReadOnly());
    }
}
