using System.Collections.Immutable;
using System.Runtime.InteropServices;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Reconciler.Desired.Yaml;

/// <summary>
/// Builds the <see cref="YamlNode"/> tree of one document from the parser's events, enforcing the limits of
/// <see cref="YamlTreeReader"/>. The entries of the lists and maps being read are collected on two stacks
/// shared by the whole file (a nested node is finished before its parent goes on), so each list or map
/// costs one array of its exact size.
/// </summary>
internal sealed class YamlTreeBuilder(string file, Parser parser, DiagnosticBag diagnostics)
{
    /// <summary>A map with this many keys gets an index for the duplicate check; a shorter one is searched in place.</summary>
    private const int IndexedFrom = 16;

    private readonly List<YamlNode> items = [];
    private readonly List<KeyValuePair<YamlScalar, YamlNode>> entries = [];

    public YamlNode? ReadStream()
    {
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            diagnostics.Error(file, 0, 0, "the file is empty; a map of settings is expected");
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode(1);
        parser.Consume<DocumentEnd>();
        if (parser.Accept<DocumentStart>(out var second))
        {
            diagnostics.Error(file, ToInt(second.Start.Line), ToInt(second.Start.Column),
                "a second YAML document starts here; a config file holds exactly one document (remove the '---' separator)");
            return null;
        }

        if (root is YamlScalar { IsNull: true })
        {
            diagnostics.Error(file, 0, 0, "the file is empty; a map of settings is expected");
            return null;
        }

        return root;
    }

    public static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private YamlNode? ReadNode(int depth)
    {
        if (parser.Current is AnchorAlias alias)
        {
            parser.MoveNext();
            diagnostics.Error(file, ToInt(alias.Start.Line), ToInt(alias.Start.Column),
                $"alias '*{alias.Value}' is not allowed; write the value out (anchors and aliases are refused)");
            return null;
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var plain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty;
            return new YamlScalar(file, ToInt(scalar.Start.Line), ToInt(scalar.Start.Column), scalar.Value, plain);
        }

        var start = parser.Current!;
        if (depth > YamlTreeReader.MaxDepth)
        {
            throw new LimitException(new Diagnostic(Records.Severity.Error, file, ToInt(start.Start.Line), ToInt(start.Start.Column),
                $"nesting is deeper than {YamlTreeReader.MaxDepth} levels; config files are at most a few levels deep"));
        }

        if (parser.TryConsume<SequenceStart>(out _))
        {
            return ReadSequence(depth, start);
        }

        parser.Consume<MappingStart>();
        return ReadMapping(depth, start);
    }

    private YamlSequence ReadSequence(int depth, ParsingEvent start)
    {
        var first = items.Count;
        while (!parser.TryConsume<SequenceEnd>(out _))
        {
            if (ReadNode(depth + 1) is { } item)
            {
                items.Add(item);
                CheckEntries(items.Count - first, start);
            }
        }

        ImmutableArray<YamlNode> read = [.. CollectionsMarshal.AsSpan(items)[first..]];
        items.RemoveRange(first, items.Count - first);
        return new YamlSequence(file, ToInt(start.Start.Line), ToInt(start.Start.Column), read);
    }

    private YamlMapping ReadMapping(int depth, ParsingEvent start)
    {
        var first = entries.Count;
        Dictionary<string, YamlScalar>? index = null; // built only for a long map; a short one is searched in place
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(depth + 1);
            var value = ReadNode(depth + 1);
            if (keyNode is null || value is null)
            {
                continue;
            }

            if (keyNode is not YamlScalar key)
            {
                diagnostics.Error(keyNode, $"a key must be a plain name, not {keyNode.Kind}");
                continue;
            }

            if (FindKey(first, ref index, key.Value) is { } earlier)
            {
                diagnostics.Error(key, $"duplicate key '{key.Value}' (first at {earlier.Line}:{earlier.Column}); each key may appear once");
                continue;
            }

            entries.Add(new(key, value));
            index?.Add(key.Value, key);
            CheckEntries(entries.Count - first, start);
        }

        ImmutableArray<KeyValuePair<YamlScalar, YamlNode>> read = [.. CollectionsMarshal.AsSpan(entries)[first..]];
        entries.RemoveRange(first, entries.Count - first);
        return new YamlMapping(file, ToInt(start.Start.Line), ToInt(start.Start.Column), read);
    }

    /// <summary>The key written as <paramref name="key"/> among the entries of the map being read (from <paramref name="first"/>), if any.</summary>
    private YamlScalar? FindKey(int first, ref Dictionary<string, YamlScalar>? index, string key)
    {
        if (index is null && entries.Count - first >= IndexedFrom)
        {
            index = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
            for (var i = first; i < entries.Count; i++)
            {
                index.Add(entries[i].Key.Value, entries[i].Key);
            }
        }

        if (index is not null)
        {
            return index.GetValueOrDefault(key);
        }

        for (var i = first; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Key.Value, key, StringComparison.Ordinal))
            {
                return entries[i].Key;
            }
        }

        return null;
    }

    private void CheckEntries(int count, ParsingEvent start)
    {
        if (count > YamlTreeReader.MaxEntries)
        {
            throw new LimitException(new Diagnostic(Records.Severity.Error, file, ToInt(start.Start.Line), ToInt(start.Start.Column),
                $"this list or map has more than {YamlTreeReader.MaxEntries} entries; a config file needs far fewer"));
        }
    }

    /// <summary>A limit was passed: the read stops with this diagnostic.</summary>
    public sealed class LimitException(Diagnostic node) : Exception(node.Message)
    {
        public Diagnostic Node { get; } = node;
    }
}
