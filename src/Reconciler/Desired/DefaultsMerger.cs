using System.Collections.Immutable;
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

        var added = 0;
        foreach (var entry in defaults.Entries)
        {
            added += Inherited(entry, domain) ? 1 : 0;
        }

        var entries = ImmutableArray.CreateBuilder<KeyValuePair<YamlScalar, YamlNode>>(domain.Entries.Length + added);
        foreach (var (key, value) in domain.Entries)
        {
            entries.Add(new(key, YamlValues.IsOneOf(key.Value, KeyMergedSections) && value is YamlMapping own && defaults.Get(key.Value) is YamlMapping shared
                ? MergeKeys(own, shared)
                : value));
        }

        foreach (var entry in defaults.Entries)
        {
            if (Inherited(entry, domain))
            {
                entries.Add(entry);
            }
        }

        return domain with { Entries = entries.MoveToImmutable() };
    }

    /// <summary>Whether a section of the defaults applies to the domain: one the domain file does not declare.</summary>
    private static bool Inherited(KeyValuePair<YamlScalar, YamlNode> entry, YamlMapping domain) =>
        YamlValues.IsOneOf(entry.Key.Value, DomainReader.SectionKeys) && domain.Get(entry.Key.Value) is null;

    private static YamlMapping MergeKeys(YamlMapping own, YamlMapping shared)
    {
        var added = 0;
        foreach (var entry in shared.Entries)
        {
            added += own.Get(entry.Key.Value) is null ? 1 : 0;
        }

        var entries = ImmutableArray.CreateBuilder<KeyValuePair<YamlScalar, YamlNode>>(own.Entries.Length + added);
        entries.AddRange(own.Entries);
        foreach (var entry in shared.Entries)
        {
            if (own.Get(entry.Key.Value) is null)
            {
                entries.Add(entry);
            }
        }

        return own with { Entries = entries.MoveToImmutable() };
    }
}
