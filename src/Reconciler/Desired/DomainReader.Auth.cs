using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>The SPF, DMARC, DKIM and DANE sections.</summary>
internal sealed partial class DomainReader
{
    private static readonly string[] DmarcKeys = ["p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "rua", "ruf", "pct", "rf", "ri"];
    private static readonly string[] DkimKeys = ["cname", "key", "absent"];

    private string? ReadSpf(YamlNode node)
    {
        if (YamlValues.Scalar(node, "spf", bag) is not { } scalar)
        {
            return null;
        }

        var text = scalar.Value.Trim();
        if (!SpfRecord.IsSpf(text))
        {
            bag.Error(scalar, "spf must be an SPF record starting with 'v=spf1 ' (RFC 7208 §4.5), e.g. \"v=spf1 mx -all\"");
            return null;
        }

        var result = SpfRecord.Parse(text);
        Report(scalar, "spf", result.Problems);
        return result.Ok ? text : null;
    }

    private DmarcSpec? ReadDmarc(YamlNode node)
    {
        if (YamlValues.Map(node, "dmarc", bag, DmarcKeys) is not { } map)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in map.Entries.Where(e => DmarcKeys.Contains(e.Key.Value)))
        {
            var tag = key.Value;
            string? text;
            if (tag is "rua" or "ruf")
            {
                var items = YamlValues.Strings(value, $"dmarc {tag}", bag);
                text = items is null ? null : string.Join(",", items.Select(i => i.Value.Trim()));
                if (items is { Count: 0 })
                {
                    bag.Error(value, $"dmarc {tag} is empty; list at least one mailto: URI, or remove it");
                    text = null;
                }
            }
            else
            {
                text = YamlValues.String(value, $"dmarc {tag}", bag)?.Trim();
            }

            if (text is not null && (text.Contains(';') || text.Any(char.IsControl)))
            {
                bag.Error(value, $"dmarc {tag} contains ';' or a control character; write one value per tag, without separators");
                text = null;
            }

            if (text is null)
            {
                ok = false;
                continue;
            }

            tags[tag] = text;
        }

        if (partial || !ok)
        {
            return null;
        }

        var spec = new DmarcSpec(tags);
        var result = DmarcRecord.Parse(spec.ToRecordText());
        Report(map, "dmarc", result.Problems, map);
        return result.Ok ? spec : null;
    }

    private Dictionary<string, DkimSpec>? ReadDkim(YamlNode node)
    {
        if (YamlValues.Map(node, "dkim", bag) is not { } map)
        {
            return null;
        }

        var result = new Dictionary<string, DkimSpec>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in map.Entries)
        {
            var selector = key.Value.ToLowerInvariant();
            if (!IsSelector(selector))
            {
                bag.Error(key, $"dkim selector '{key.Value}' is not a valid DNS label; allowed: letters, digits and '-' (dot-separated), 1-63 characters each (RFC 6376 §3.1)");
                ok = false;
                continue;
            }

            if (result.ContainsKey(selector))
            {
                bag.Error(key, $"dkim selector '{key.Value}' is declared twice (selectors are case-insensitive)");
                ok = false;
                continue;
            }

            if (ReadSelector(value, selector) is { } spec)
            {
                result[selector] = spec;
            }
            else
            {
                ok = false;
            }
        }

        return ok ? result : null;
    }

    private DkimSpec? ReadSelector(YamlNode node, string selector)
    {
        var what = $"dkim selector '{selector}'";
        if (YamlValues.Map(node, what, bag, DkimKeys) is not { } map)
        {
            return null;
        }

        var given = DkimKeys.Where(k => map.Get(k) is not null).ToList();
        if (given.Count != 1)
        {
            bag.Error(map, $"{what} must have exactly one of cname, key, absent: true; found {(given.Count == 0 ? "none" : string.Join(", ", given))}");
            return null;
        }

        var valueNode = map.Get(given[0])!;
        switch (given[0])
        {
            case "cname":
                return Host(valueNode, $"{what} cname", allowUnderscore: true) is { } target ? new DkimSpec(target, null, false) : null;
            case "key":
                if (YamlValues.Scalar(valueNode, $"{what} key", bag) is not { } key)
                {
                    return null;
                }

                var parsed = DkimKeyRecord.Parse(key.Value);
                Report(key, $"{what} key", parsed.Problems);
                return parsed.Ok ? new DkimSpec(null, key.Value.Trim(), false) : null;
            default:
                if (YamlValues.Scalar(valueNode, $"{what} absent", bag) is not { } absent)
                {
                    return null;
                }

                if (absent.Value != "true")
                {
                    bag.Error(absent, $"{what} absent must be true (the selector must not be published); remove the selector to leave it unmanaged");
                    return null;
                }

                return new DkimSpec(null, null, true);
        }
    }

    private Dictionary<string, IReadOnlyList<string>>? ReadDane(YamlNode node, string domain, List<(MxRecord Record, YamlNode Node)>? mx)
    {
        if (YamlValues.Map(node, "dane", bag) is not { } map)
        {
            return null;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in map.Entries)
        {
            var host = Host(key, "dane host");
            var items = YamlValues.Strings(value, $"dane records of '{key.Value}'", bag);
            if (host is null || items is null)
            {
                ok = false;
                continue;
            }

            if (result.ContainsKey(host))
            {
                bag.Error(key, $"dane host '{host}' is declared twice");
                ok = false;
                continue;
            }

            if (!partial && mx is not null && mx.All(m => m.Record.Host != host))
            {
                bag.Warning(key, $"dane host '{host}' is not one of the mx hosts of {domain}; TLSA records are only used for MX hosts (RFC 7672 §2.2)");
            }

            var records = new List<string>();
            foreach (var item in items)
            {
                var parsed = TlsaText.Parse(item.Value);
                Report(item, $"dane record for '{host}'", parsed.Problems);
                if (parsed.Ok)
                {
                    records.Add(TlsaText.Render(parsed.Value!));
                }
                else
                {
                    ok = false;
                }
            }

            if (records.Count == 0 && items.Count == 0)
            {
                bag.Error(value, $"dane records of '{host}' are empty; list at least one \"3 1 1 <sha256-hex>\"");
                ok = false;
            }

            result[host] = records;
        }

        return ok ? result : null;
    }

    private static bool IsSelector(string selector) =>
        selector.Length is > 0 and <= 253 && selector.Split('.').All(label =>
            label.Length is > 0 and <= 63 && !label.StartsWith('-') && !label.EndsWith('-')
            && label.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'));
}
