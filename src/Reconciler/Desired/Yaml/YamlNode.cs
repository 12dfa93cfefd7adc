using System.Collections.Immutable;

namespace Reconciler.Desired.Yaml;

/// <summary>A YAML node with the place it was written (1-based line and column) and the file it came from.</summary>
internal abstract record YamlNode(string File, int Line, int Column)
{
    public abstract string Kind { get; }
}

/// <summary>A scalar as written; <see cref="Plain"/> is false for quoted and block scalars.</summary>
internal sealed record YamlScalar(string File, int Line, int Column, string Value, bool Plain) : YamlNode(File, Line, Column)
{
    public override string Kind => "a scalar";

    /// <summary>A plain <c>~</c>, <c>null</c> or empty scalar: YAML's null.</summary>
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YamlSequence(string File, int Line, int Column, ImmutableArray<YamlNode> Items) : YamlNode(File, Line, Column)
{
    public override string Kind => "a list";
}

/// <summary>A mapping with scalar keys, in document order, duplicates already removed (the first wins).</summary>
internal sealed record YamlMapping(string File, int Line, int Column, ImmutableArray<KeyValuePair<YamlScalar, YamlNode>> Entries)
    : YamlNode(File, Line, Column)
{
    public override string Kind => "a map";

    public YamlNode? Get(string key) => Find(key)?.Value;

    public YamlScalar? KeyOf(string key) => Find(key)?.Key;

    private KeyValuePair<YamlScalar, YamlNode>? Find(string key)
    {
        for (var i = 0; i < Entries.Length; i++)
        {
            if (Entries[i].Key.Value == key)
            {
                return Entries[i];
            }
        }

        return null;
    }
}
