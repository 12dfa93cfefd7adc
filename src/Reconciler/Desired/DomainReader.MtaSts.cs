using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>The MTA-STS section: mode, max_age, id, the policy mx patterns and their coverage of the MX hosts.</summary>
internal sealed partial class DomainReader
{
    private static readonly string[] MtaStsKeys = ["mode", "max_age", "mx", "id"];

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
            maxAge = YamlValues.Integer(ageNode, "mta_sts max_age", 0, MtaStsPolicy.MaxMaxAge, bag);
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
        var effective = patterns ?? (mx is null ? null : Hosts(mx));
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
            foreach (var (record, hostNode) in mx)
            {
                if (MxPattern.Covers(effective, record.Host))
                {
                    continue;
                }

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

    private static List<string> Hosts(List<(MxRecord Record, YamlNode Node)> mx)
    {
        var hosts = new List<string>(mx.Count);
        foreach (var (record, _) in mx)
        {
            hosts.Add(record.Host);
        }

        return hosts;
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
}
