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
    private static readonly string[] MtaStsKeys = ["mode", "max_age", "mx", "id"];
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
        return new DomainSpec(domain, "", mx?.Select(m => m.Record).ToList(), mtaSts, tlsRpt, spf, dmarc, dkim, dane);
    }

    private List<(MxRecord Record, YamlNode Node)>? ReadMx(YamlNode node)
    {
        if (YamlValues.List(node, "mx", bag) is not { } list)
        {
            return null;
        }

        if (list.Items.Count == 0)
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

            var first = result.FirstOrDefault(r => r.Item1.Host == host);
            if (first.Item2 is not null)
            {
                bag.Error(entry.Get("host")!, $"mx host '{host}' is listed twice (first at {first.Item2.Line}:{first.Item2.Column}); each host may appear once");
                continue;
            }

            result.Add((new MxRecord((int)preference.Value, host), entry.Get("host")!));
        }

        return result;
    }

    private MtaStsSpec? ReadMtaSts(YamlNode node, List<(MxRecord Record, YamlNode Node)>? mx)
    {
        if (YamlValues.Map(node, "mta_sts", bag, MtaStsKeys) is not { } map)
        {
            return null;
        }

        if (!partial)
        {
            YamlValues.Require(map, "mta_sts", bag, "mode", "max_age", "id");
        }

        MtaStsMode? mode = null;
        if (map.Get("mode") is { } modeNode && YamlValues.Scalar(modeNode, "mta_sts mode", bag) is { } modeText)
        {
            mode = modeText.Value switch
            {
                "enforce" => MtaStsMode.Enforce,
                "testing" => MtaStsMode.Testing,
                "none" => MtaStsMode.None,
                _ => null,
            };
            if (mode is null)
            {
                bag.Error(modeText, $"mta_sts mode is '{modeText.Value}'; allowed: enforce, testing, none (lower-case, RFC 8461 §3.2)");
            }
        }

        long? maxAge = null;
        if (map.Get("max_age") is { } ageNode)
        {
            maxAge = YamlValues.Integer(ageNode, "mta_sts max_age", 0, MaxMaxAge, bag);
            if (maxAge < 86400 && mode == MtaStsMode.Enforce)
            {
                bag.Warning(ageNode, $"mta_sts max_age is {maxAge} seconds in enforce mode; RFC 8461 §3.2 recommends weeks (e.g. 604800) so a policy outlives a DNS outage");
            }
        }

        var id = map.Get("id") is { } idNode ? ReadId(idNode) : null;
        var patternNode = map.Get("mx");
        var patterns = patternNode is not null ? ReadPatterns(patternNode) : null;
        if (partial || mode is null || maxAge is null || id is null || (patternNode is not null && patterns is null))
        {
            return null;
        }

        return CheckCoverage(map, mode.Value, maxAge.Value, id, patterns, mx);
    }

    private MtaStsSpec? CheckCoverage(YamlMapping map, MtaStsMode mode, long maxAge, string id,
        IReadOnlyList<string>? patterns, List<(MxRecord Record, YamlNode Node)>? mx)
    {
        var declared = patterns is not null;
        var effective = patterns ?? mx?.Select(m => m.Record.Host).ToList();
        if (effective is null)
        {
            if (mode != MtaStsMode.None)
            {
                bag.Error(map, "mta_sts has no mx patterns and mx is not managed, so the policy would cover nothing; add 'mx:' patterns under mta_sts or an mx section");
                return null;
            }

            effective = [];
        }

        if (declared && mx is not null && mode != MtaStsMode.None)
        {
            foreach (var (record, hostNode) in mx.Where(m => !MxPattern.Covers(effective, m.Record.Host)))
            {
                var message = $"mx host '{record.Host}' is not covered by the mta_sts mx patterns ({string.Join(", ", effective)}); "
                    + "senders enforcing the policy will refuse to deliver to it (RFC 8461 §4.1)";
                if (mode == MtaStsMode.Enforce)
                {
                    bag.Error(hostNode, message);
                }
                else
                {
                    bag.Warning(hostNode, message);
                }
            }
        }

        return new MtaStsSpec(mode, maxAge, effective, declared, id);
    }

    private string? ReadId(YamlNode node)
    {
        if (YamlValues.Scalar(node, "mta_sts id", bag) is not { } scalar)
        {
            return null;
        }

        if (!MtaStsTxtRecord.IsValidId(scalar.Value))
        {
            bag.Error(scalar, $"mta_sts id '{scalar.Value}' is not valid; allowed: 1 to 32 letters and digits (RFC 8461 §3.1)");
            return null;
        }

        if (scalar.Plain && scalar.Value.Length > 1 && scalar.Value[0] == '0' && scalar.Value.All(char.IsAsciiDigit))
        {
            bag.Warning(scalar, $"mta_sts id {scalar.Value} is unquoted and starts with 0; YAML tools may read it as a number and drop the leading zero: write id: \"{scalar.Value}\"");
        }

        return scalar.Value;
    }

    private List<string>? ReadPatterns(YamlNode node)
    {
        if (YamlValues.Strings(node, "mta_sts mx", bag) is not { } items)
        {
            return null;
        }

        if (items.Count == 0)
        {
            bag.Error(node, "mta_sts mx is empty; list the patterns, or remove it to use the hosts under mx");
            return null;
        }

        var result = new List<string>();
        foreach (var item in items)
        {
            if (!MxPattern.TryNormalize(item.Value, out var pattern, out var error))
            {
                bag.Error(item, $"mta_sts mx pattern '{item.Value}' is not valid: {error}; allowed: a host name, or '*.' followed by a domain (RFC 8461 §3.2)");
            }
            else if (result.Contains(pattern))
            {
                bag.Warning(item, $"mta_sts mx pattern '{pattern}' is listed twice");
            }
            else
            {
                result.Add(pattern);
            }
        }

        return result.Count > 0 ? result : null;
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

        return ok ? new TlsRptSpec(items.Select(i => i.Value).ToList()) : null;
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

    private const long MaxMaxAge = 31557600;
}
