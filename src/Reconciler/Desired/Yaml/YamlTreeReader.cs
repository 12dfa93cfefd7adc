using System.Buffers;
using System.Text;
using System.Text.Unicode;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Reconciler.Desired.Yaml;

/// <summary>
/// Reads one YAML file into a <see cref="YamlNode"/> tree at the event level, so every node keeps its
/// position. Bounded: files over <see cref="MaxBytes"/> are refused before parsing, aliases are refused
/// (no expansion, so no alias bombs), nesting deeper than <see cref="MaxDepth"/> or a list or map with more
/// than <see cref="MaxEntries"/> entries stops the read (bounding every check that compares entries), and
/// exactly one document is allowed. Never throws for bad input: problems go to the diagnostics.
/// </summary>
internal static class YamlTreeReader
{
    public const int MaxBytes = 1024 * 1024;
    public const int MaxDepth = 32;
    public const int MaxEntries = 1000;

    /// <summary>A map with this many keys gets an index for the duplicate check; a shorter one is searched in place.</summary>
    private const int IndexedFrom = 16;

    public static YamlNode? Read(string file, byte[] content, DiagnosticBag diagnostics)
    {
        if (content.Length > MaxBytes)
        {
            diagnostics.Error(file, 0, 0, $"the file is larger than {MaxBytes} bytes (1 MiB); config files must be smaller");
            return null;
        }

        if (!TryDecode(file, content, diagnostics, out var chars, out var length))
        {
            return null;
        }

        // The decoded text stays in a pooled buffer: the parser copies what it keeps (scalar values) into strings.
        try
        {
            using var reader = new CharBufferReader(chars, length);
            return Parse(file, new Parser(reader), diagnostics);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static YamlNode? Parse(string file, Parser parser, DiagnosticBag diagnostics)
    {
        try
        {
            return ReadStream(file, parser, diagnostics);
        }
        catch (YamlException e)
        {
            diagnostics.Error(file, ToInt(e.Start.Line), ToInt(e.Start.Column), $"malformed YAML: {StripMark(e.Message)}");
            return null;
        }
        catch (LimitException e)
        {
            diagnostics.Add(e.Node);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not YamlException) on some malformed flow collections.
            var at = parser.Current?.End ?? Mark.Empty;
            diagnostics.Error(file, Math.Max(1, ToInt(at.Line)), Math.Max(1, ToInt(at.Column)), "malformed YAML: a flow collection ('[ ... ]' or '{ ... }') starting near here is not closed or is badly formed");
            return null;
        }
    }

    /// <summary>Decodes strict UTF-8 (a leading BOM skipped) into a buffer rented from the shared pool; the caller returns it.</summary>
    private static bool TryDecode(string file, byte[] content, DiagnosticBag diagnostics, out char[] chars, out int length)
    {
        ReadOnlySpan<byte> bytes = content;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        var status = Utf8.ToUtf16(bytes, chars, out var read, out length, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            ArrayPool<char>.Shared.Return(chars);
            chars = [];
            var before = bytes[..read];
            var line = before.Count((byte)'\n') + 1;
            var lastNewline = before.LastIndexOf((byte)'\n');
            var column = Encoding.UTF8.GetCharCount(before[(lastNewline + 1)..]) + 1;
            diagnostics.Error(file, line, column, $"the file is not valid UTF-8 (bad byte 0x{bytes[read]:X2} at offset {read}); save it as UTF-8");
            return false;
        }

        return true;
    }

    private static YamlNode? ReadStream(string file, Parser parser, DiagnosticBag diagnostics)
    {
        parser.Consume<StreamStart>();
        if (parser.TryConsume<StreamEnd>(out _))
        {
            diagnostics.Error(file, 0, 0, "the file is empty; a map of settings is expected");
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode(file, parser, diagnostics, 1);
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

    private static YamlNode? ReadNode(string file, Parser parser, DiagnosticBag diagnostics, int depth)
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
        if (depth > MaxDepth)
        {
            throw new LimitException(new Diagnostic(Records.Severity.Error, file, ToInt(start.Start.Line), ToInt(start.Start.Column),
                $"nesting is deeper than {MaxDepth} levels; config files are at most a few levels deep"));
        }

        if (parser.TryConsume<SequenceStart>(out _))
        {
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                if (ReadNode(file, parser, diagnostics, depth + 1) is { } item)
                {
                    items.Add(item);
                    CheckEntries(file, items.Count, start);
                }
            }

            return new YamlSequence(file, ToInt(start.Start.Line), ToInt(start.Start.Column), items);
        }

        parser.Consume<MappingStart>();
        return ReadMapping(file, parser, diagnostics, depth, start);
    }

    private static YamlMapping ReadMapping(string file, Parser parser, DiagnosticBag diagnostics, int depth, ParsingEvent start)
    {
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        Dictionary<string, YamlScalar>? seen = null; // built only for a long map; a short one is searched in place
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(file, parser, diagnostics, depth + 1);
            var value = ReadNode(file, parser, diagnostics, depth + 1);
            if (keyNode is null || value is null)
            {
                continue;
            }

            if (keyNode is not YamlScalar key)
            {
                diagnostics.Error(keyNode, $"a key must be a plain name, not {keyNode.Kind}");
                continue;
            }

            if (FindKey(entries, ref seen, key.Value) is { } first)
            {
                diagnostics.Error(key, $"duplicate key '{key.Value}' (first at {first.Line}:{first.Column}); each key may appear once");
                continue;
            }

            entries.Add(new(key, value));
            seen?.Add(key.Value, key);
            CheckEntries(file, entries.Count, start);
        }

        return new YamlMapping(file, ToInt(start.Start.Line), ToInt(start.Start.Column), entries);
    }

    /// <summary>The key already in <paramref name="entries"/> written as <paramref name="key"/>, if any.</summary>
    private static YamlScalar? FindKey(List<KeyValuePair<YamlScalar, YamlNode>> entries, ref Dictionary<string, YamlScalar>? index, string key)
    {
        if (index is null && entries.Count >= IndexedFrom)
        {
            index = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                index.Add(entry.Key.Value, entry.Key);
            }
        }

        if (index is not null)
        {
            return index.GetValueOrDefault(key);
        }

        foreach (var entry in entries)
        {
            if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
            {
                return entry.Key;
            }
        }

        return null;
    }

    private static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is already in the diagnostic.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && index >= 0 ? message[(index + 3)..] : message;
    }

    private static void CheckEntries(string file, int count, ParsingEvent start)
    {
        if (count > MaxEntries)
        {
            throw new LimitException(new Diagnostic(Records.Severity.Error, file, ToInt(start.Start.Line), ToInt(start.Start.Column),
                $"this list or map has more than {MaxEntries} entries; a config file needs far fewer"));
        }
    }

    private sealed class LimitException(Diagnostic node) : Exception(node.Message)
    {
        public Diagnostic Node { get; } = node;
    }
}
