using Reconciler.Desired.Yaml;

namespace Reconciler.Desired;

/// <summary>
/// Merges <c>defaults:</c> under a domain file. A section the domain file declares replaces the default
/// section whole, except <c>mta_sts</c> and <c>dmarc</c>, which merge key by key (the domain's key wins;
/// a list value such as <c>rua</c> or <c>mx</c> is replaced whole, never concatenated).
/// Nodes keep the file they came from, so diagnostics point at the line that set the value.
/// </summary>
internal static class DefaultsMerger
{
    private static readonly string[] KeyMergedSections = ["mta_sts", "dmarc"];

    public static YamlMapping Merge(YamlMapping domain, YamlMapping? defaults)
    {
        if (defaults is null)
        {
            return domain;
        }

        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        foreach (var (key, value) in domain.Entries)
        {
            var fallback = defaults.Get(key.Value);
            entries.Add(new(key, KeyMergedSections.Contains(key.Value) && value is YamlMapping own && fallback is YamlMapping shared
                ? MergeKeys(own, shared)
                : value));
        }

        entries.AddRange(defaults.Entries.Where(e => DomainReader.SectionKeys.Contains(e.Key.Value) && domain.Get(e.Key.Value) is null));
        return domain with { Entries = entries };
    }

    private static YamlMapping MergeKeys(YamlMapping own, YamlMapping shared) =>
        own with { Entries = [.. own.Entries, .. shared.Entries.Where(e => own.Get(e.Key.Value) is null)] };
}
