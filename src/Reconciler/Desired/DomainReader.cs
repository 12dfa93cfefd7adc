using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>
/// Maps one (defaults-merged) domain tree to a <see cref="DomainSpec"/>, validating shape and values and
/// reporting every problem at its node. In partial mode (the <c>defaults:</c> of reconciler.yaml) required
/// keys and checks across sections are skipped: they are checked per domain after merging.
/// </summary>
internal sealed partial class DomainReader(DiagnosticBag bag, bool partial)
{
    public static readonly string[] SectionKeys = ["mx", "mta_sts", "tls_rpt", "spf", "dmarc", "dkim", "dane"];
    private static readonly string[] DomainKeys = ["domain", .. SectionKeys];
    private static readonly string[] MxKeys = ["preference", "host"];
    private static readonly string[] TlsRptKeys = ["rua"];

    /// <summary>Validates the <c>defaults:</c> map on its own (shape and values only).</summary>
    public void ReadDefaults(YamlNode node)
    {
        if (YamlValues.Map(node, "defaults", bag, SectionKeys) is { } map)
        {
            ReadSections(map, "");
        }
    }

    /// <summary>Reads a domain file's merged tree; null when the root is not a map or <c>domain</c> is unusable.</summary>
    public DomainSpec? Read(YamlNode root, string file, string fileDomain)
    {
        if (YamlValues.Map(root, "a domain file", bag, DomainKeys) is not { } map)
        {
            return null;
        }

        string? domain = null;
        if (map.Get("domain") is not { } domainNode)
        {
            bag.Error(file, 1, 1, $"the required key 'domain' is missing; write 'domain: {fileDomain}' as the first line");
        }
        else if (YamlValues.String(domainNode, "domain", bag) is { } written)
        {
            if (!DnsName.TryNormalizeHost(written, out var normalized, out var error))
            {
                bag.Error(domainNode, $"domain '{written}' is not a valid domain name: {error}");
            }
            else if (normalized != fileDomain)
            {
                bag.Error(domainNode, $"domain '{written}' does not match the file name '{Path.GetFileName(file)}'; the file must be named '{normalized}.yaml'");
            }
            else
            {
                domain = normalized;
            }
        }

        var sections = ReadSections(map, domain ?? fileDomain);
        return domain is null ? null : sections with { Domain = domain, File = file };
    }

    private DomainSpec ReadSections(YamlMapping map, string domain)
    {
        var mx = map.Get("mx") is { } mxNode ? ReadMx(mxNode) : null;
        var mtaSts = map.Get("mta_sts") is { } stsNode ? ReadMtaSts(stsNode, mx) : null;
        var tlsRpt = map.Get("tls_rpt") is { } rptNode ? ReadTlsRpt(rptNode) : null;
        var spf = map.Get("spf") is { } spfNode ? ReadSpf(spfNode) : null;
        var dmarc = map.Get("dmarc") is { } dmarcNode ? ReadDmarc(dmarcNode) : null;
        var dkim = map.Get("dkim") is { } dkimNode ? ReadDkim(dkimNode) : null;
        var dane = map.Get("dane") is { } daneNode ? ReadDane(daneNode, domain, mx) : null;
        return new DomainSpec(domain, "", mx is null ? null : Records(mx), mtaSts, tlsRpt, spf, dmarc, dkim, dane);
    }

    private List<(MxRecord Record, YamlNode Node)>? ReadMx(YamlNode node)
    {
        if (YamlValues.List(node, "mx", bag) is not { } list)
        {
            return null;
        }

        if (list.Items.Length == 0)
        {
            bag.Error(list, "mx is empty; list at least one { preference, host } entry, or remove mx to leave it unmanaged");
        }

        var result = new List<(MxRecord, YamlNode)>();
        foreach (var item in list.Items)
        {
            if (YamlValues.Map(item, "an mx entry", bag, MxKeys) is not { } entry)
            {
                continue;
            }

            YamlValues.Require(entry, "an mx entry", bag, MxKeys);

            var preference = entry.Get("preference") is { } p ? YamlValues.Integer(p, "mx preference", 0, 65535, bag) : null;
            var host = entry.Get("host") is { } h ? Host(h, "mx host") : null;
            if (host is null || preference is null)
            {
                continue;
            }

            if (NodeOf(result, host) is { } first)
            {
                bag.Error(entry.Get("host")!, $"mx host '{host}' is listed twice (first at {first.Line}:{first.Column}); each host may appear once");
                continue;
            }

            result.Add((new MxRecord((int)preference.Value, host), entry.Get("host")!));
        }

        return result;
    }

    private TlsRptSpec? ReadTlsRpt(YamlNode node)
    {
        if (YamlValues.Map(node, "tls_rpt", bag, TlsRptKeys) is not { } map)
        {
            return null;
        }

        if (!partial)
        {
            YamlValues.Require(map, "tls_rpt", bag, "rua");
        }

        if (map.Get("rua") is not { } ruaNode || YamlValues.Strings(ruaNode, "tls_rpt rua", bag) is not { } items)
        {
            return null;
        }

        if (items.Count == 0)
        {
            bag.Error(ruaNode, "tls_rpt rua is empty; list at least one mailto: or https: URI (RFC 8460 §3)");
            return null;
        }

        var ok = true;
        foreach (var item in items)
        {
            if (!TlsRptRecord.IsValidRua(item.Value, out var error))
            {
                bag.Error(item, $"tls_rpt rua '{item.Value}' is not valid: {error}; allowed: mailto: or https: URIs (RFC 8460 §3)");
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        var rua = new List<string>(items.Count);
        foreach (var item in items)
        {
            rua.Add(item.Value);
        }

        return new TlsRptSpec(rua);
    }

    private static List<MxRecord> Records(List<(MxRecord Record, YamlNode Node)> mx)
    {
        var records = new List<MxRecord>(mx.Count);
        foreach (var (record, _) in mx)
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>Where the mx entry for <paramref name="host"/> was written, or null when there is none.</summary>
    private static YamlNode? NodeOf(List<(MxRecord Record, YamlNode Node)> mx, string host)
    {
        foreach (var (record, node) in mx)
        {
            if (record.Host == host)
            {
                return node;
            }
        }

        return null;
    }

    private string? Host(YamlNode node, string what, bool allowUnderscore = false)
    {
        if (YamlValues.String(node, what, bag) is not { } text)
        {
            return null;
        }

        if (!DnsName.TryNormalizeHost(text, out var host, out var error, allowUnderscore))
        {
            bag.Error(node, $"{what} '{text}' is not a valid host name: {error}");
            return null;
        }

        return host;
    }

    private void Report(YamlNode node, string what, IEnumerable<RecordProblem> problems, YamlMapping? tags = null)
    {
        foreach (var problem in problems)
        {
            // A DMARC problem that names a tag is reported at that tag's value.
            var at = tags?.Entries.FirstOrDefault(e => problem.Message.StartsWith(e.Key.Value + " ", StringComparison.Ordinal)
                || problem.Message.StartsWith(e.Key.Value + "=", StringComparison.Ordinal)
                || problem.Message.StartsWith(e.Key.Value + ":", StringComparison.Ordinal)
                || problem.Message.StartsWith($"'{e.Key.Value}'", StringComparison.Ordinal)).Value ?? node;
            bag.Add(new Diagnostic(problem.Severity, at.File, at.Line, at.Column, $"{what}: {problem.Message} ({problem.Rule})"));
        }
    }

}
