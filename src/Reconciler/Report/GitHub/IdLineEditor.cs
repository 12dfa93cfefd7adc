using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Reconciler.Report.GitHub;

/// <summary>The outcome of an id edit: the new text, or why the file could not be edited.</summary>
public sealed record IdEdit(string? Text, string? Error)
{
    public bool Ok => Text is not null;
}

/// <summary>
/// Finds and replaces the <c>mta_sts.id</c> scalar of a domain file, changing only its characters:
/// quoting style, comments, layout and line endings stay byte for byte. Pure.
/// </summary>
public static class IdLineEditor
{
    /// <summary>The current value of <c>mta_sts.id</c>, or null when there is none (or the file does not parse).</summary>
    public static string? ReadId(string yaml)
    {
        var found = Locate(yaml, out _);
        return found?.Value;
    }

    /// <summary>Replaces the value of <c>mta_sts.id</c> with <paramref name="newId"/> (1-32 letters/digits).</summary>
    public static IdEdit ReplaceId(string yaml, string newId)
    {
        if (newId.Length is < 1 or > 32 || !newId.All(char.IsAsciiLetterOrDigit))
        {
            return new IdEdit(null, $"'{newId}' is not a valid MTA-STS id (1-32 letters/digits)");
        }

        var scalar = Locate(yaml, out var error);
        if (scalar is null)
        {
            return new IdEdit(null, error);
        }

        var replacement = scalar.Style switch
        {
            ScalarStyle.SingleQuoted => $"'{newId}'",
            ScalarStyle.DoubleQuoted => $"\"{newId}\"",
            ScalarStyle.Plain => newId,
            _ => null,
        };
        if (replacement is null)
        {
            return new IdEdit(null, $"mta_sts.id at line {scalar.Start.Line} is a {scalar.Style} scalar; only plain or quoted ids can be edited");
        }

        // The parser never sees a leading byte order mark (see Locate), so positions shift by one.
        var bom = yaml.StartsWith('\uFEFF') ? 1 : 0;
        var start = (int)scalar.Start.Index + bom;
        var end = (int)scalar.End.Index + bom;
        if (start < 0 || end > yaml.Length || end < start)
        {
            return new IdEdit(null, "mta_sts.id has no usable position in the file");
        }

        return new IdEdit(string.Concat(yaml.AsSpan(0, start), replacement, yaml.AsSpan(end)), null);
    }

    private static Scalar? Locate(string yaml, out string? error)
    {
        error = null;
        try
        {
            var parser = new Parser(new StringReader(yaml.StartsWith('\uFEFF') ? yaml[1..] : yaml));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _) || !parser.TryConsume<MappingStart>(out _))
            {
                error = "the file is not a YAML mapping";
                return null;
            }

            if (!SeekKey(parser, "mta_sts"))
            {
                error = "the file has no mta_sts section";
                return null;
            }

            if (!parser.TryConsume<MappingStart>(out _))
            {
                error = "mta_sts is not a mapping";
                return null;
            }

            if (!SeekKey(parser, "id"))
            {
                error = "mta_sts has no id";
                return null;
            }

            if (parser.TryConsume<Scalar>(out var value) && !value.IsKey && value.Start.Index < value.End.Index)
            {
                return value;
            }

            error = "mta_sts.id is not a non-empty scalar";
            return null;
        }
        catch (YamlException ex)
        {
            error = $"the file does not parse: {ex.Message}";
            return null;
        }
    }

    /// <summary>Within the current mapping, consumes events up to the value of <paramref name="key"/>.</summary>
    private static bool SeekKey(IParser parser, string key)
    {
        while (!parser.Accept<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var k))
            {
                parser.SkipThisAndNestedEvents();
                parser.SkipThisAndNestedEvents();
                continue;
            }

            if (k.Value == key)
            {
                return true;
            }

            parser.SkipThisAndNestedEvents();
        }

        return false;
    }
}
