using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>The SPF, DMARC, DKIM and DANE sections.</summary>
internal sealed partial class DomainReader
{
    private static readonly string[] DmarcKeys = ["p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "rua", "ruf", "pct", "rf", "ri"];
    private static readonly string[] DmarcWhat = [.. DmarcKeys.Select(k => $"dmarc {k}")];
    private static readonly string[] DkimKeys = ["cname", "key", "absent"];
    private static readonly System.Buffers.SearchValues<char> SelectorCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

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
        foreach (var (key, value) in map.Entries)
        {
            var known = Array.IndexOf(DmarcKeys, key.Value);
            if (known < 0)
            {
                continue;
            }

            var tag = DmarcKeys[known];
            var what = DmarcWhat[known];
            string? text;
            if (tag is "rua" or "ruf")
            {
                var items = YamlValues.Strings(value, what, bag);
                text = items is null ? null : JoinTrimmed(items);
                if (items is { Count: 0 })
                {
                    bag.Error(value, $"dmarc {tag} is empty; list at least one mailto: URI, or remove it");
                    text = null;
                }
            }
            else
            {
                text = YamlValues.String(value, what, bag)?.Trim();
            }

            if (text is not null && (text.Contains(';') || HasControl(text)))
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

        string? only = null;
        var count = 0;
        foreach (var name in DkimKeys)
        {
            if (map.Get(name) is not null)
            {
                only = name;
                count++;
            }
        }

        if (count != 1)
        {
            var given = count == 0 ? "none" : string.Join(", ", DkimKeys.Where(k => map.Get(k) is not null));
            bag.Error(map, $"{what} must have exactly one of cname, key, absent: true; found {given}");
            return null;
        }

        var valueNode = map.Get(only!)!;
        switch (only)
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

            if (!partial && mx is not null && NodeOf(mx, host) is null)
            {
                bag.Warning(key, $"dane host '{host}' is not one of the mx hosts of {domain}; TLSA records are only used for MX hosts (RFC 7672 §2.2)");
            }

            var records = new List<string>();
            foreach (var item in items)
            {
                var parsed = TlsaText.Parse(item.Value);
                if (parsed.Problems.Count > 0)
                {
                    Report(item, $"dane record for '{host}'", parsed.Problems);
                }

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

    /// <summary>Dot-separated labels of 1-63 of a-z, 0-9 and '-', none starting or ending with '-'; 253 characters at most.</summary>
    private static bool IsSelector(string selector)
    {
        if (selector.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var range in selector.AsSpan().Split('.'))
        {
            var label = selector.AsSpan(range);
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || label.ContainsAnyExcept(SelectorCharacters))
            {
                return false;
            }
        }

        return true;
    }

    private static string JoinTrimmed(List<YamlScalar> items)
    {
        if (items.Count == 1)
        {
            return items[0].Value.Trim();
        }

        var parts = new string[items.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = items[i].Value.Trim();
        }

        return string.Join(",", parts);
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
