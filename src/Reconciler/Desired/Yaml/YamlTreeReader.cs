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
            return new YamlTreeBuilder(file, parser, diagnostics).ReadStream();
        }
        catch (YamlException e)
        {
            diagnostics.Error(file, YamlTreeBuilder.ToInt(e.Start.Line), YamlTreeBuilder.ToInt(e.Start.Column), $"malformed YAML: {StripMark(e.Message)}");
            return null;
        }
        catch (YamlTreeBuilder.LimitException e)
        {
            diagnostics.Add(e.Node);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not YamlException) on some malformed flow collections.
            var at = parser.Current?.End ?? Mark.Empty;
            diagnostics.Error(file, Math.Max(1, YamlTreeBuilder.ToInt(at.Line)), Math.Max(1, YamlTreeBuilder.ToInt(at.Column)), "malformed YAML: a flow collection ('[ ... ]' or '{ ... }') starting near here is not closed or is badly formed");
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

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is already in the diagnostic.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && index >= 0 ? message[(index + 3)..] : message;
    }
}
