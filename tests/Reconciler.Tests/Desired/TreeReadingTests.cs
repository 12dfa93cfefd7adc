using System.Text;
using Reconciler.Desired;
using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Tests.Desired;

/// <summary>The YAML tree reader's buffers and shared stacks: positions, nesting and duplicates stay right.</summary>
public class TreeReadingTests
{
    private static YamlNode? Read(string text, DiagnosticBag bag) =>
        YamlTreeReader.Read("f.yaml", Encoding.UTF8.GetBytes(text), bag);

    [Fact]
    public void A_file_longer_than_the_parsers_read_block_keeps_every_value_and_position()
    {
        // The parser reads 1024 characters at a time; the decoded buffer is read in place across blocks.
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            text.Append(Key(i)).Append(": \"välue-").Append(i).Append("\"\n");
        }

        var bag = new DiagnosticBag();
        var map = Assert.IsType<YamlMapping>(Read(text.ToString(), bag));
        Assert.Empty(bag.Items);
        Assert.Equal(300, map.Entries.Length);
        var last = map.Entries[299];
        Assert.Equal("key299", last.Key.Value);
        Assert.Equal("välue-299", ((YamlScalar)last.Value).Value);
        Assert.Equal((300, 9), (last.Value.Line, last.Value.Column));
    }

    [Fact]
    public void Nested_lists_and_maps_keep_their_own_entries()
    {
        const string text = """
            a:
              - { x: 1, y: [ p, q ] }
              - [ r, { z: s } ]
            b: { c: { d: e }, f: g }
            h: i
            """;
        var bag = new DiagnosticBag();
        var root = Assert.IsType<YamlMapping>(Read(text, bag));
        Assert.Empty(bag.Items);
        Assert.Equal(["a", "b", "h"], root.Entries.Select(e => e.Key.Value));
        var a = Assert.IsType<YamlSequence>(root.Get("a"));
        Assert.Equal(2, a.Items.Length);
        var first = Assert.IsType<YamlMapping>(a.Items[0]);
        Assert.Equal(["x", "y"], first.Entries.Select(e => e.Key.Value));
        Assert.Equal(["p", "q"], Assert.IsType<YamlSequence>(first.Get("y")).Items.Select(n => ((YamlScalar)n).Value));
        var second = Assert.IsType<YamlSequence>(a.Items[1]);
        Assert.Equal("r", ((YamlScalar)second.Items[0]).Value);
        Assert.Equal(["z"], Assert.IsType<YamlMapping>(second.Items[1]).Entries.Select(e => e.Key.Value));
        var b = Assert.IsType<YamlMapping>(root.Get("b"));
        Assert.Equal(["c", "f"], b.Entries.Select(e => e.Key.Value));
        Assert.Equal("e", ((YamlScalar)Assert.IsType<YamlMapping>(b.Get("c")).Get("d")!).Value);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)] // past the size at which the duplicate check uses an index
    public void A_duplicate_key_names_the_first_one_in_a_short_or_a_long_map(int keys)
    {
        var text = new StringBuilder();
        for (var i = 0; i < keys; i++)
        {
            text.Append(Key(i)).Append(": v\n");
        }

        text.Append("key1: again\n");
        var bag = new DiagnosticBag();
        var map = Assert.IsType<YamlMapping>(Read(text.ToString(), bag));
        var error = Assert.Single(bag.Items);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.Equal((keys + 1, 1), (error.Line, error.Column));
        Assert.Equal("duplicate key 'key1' (first at 2:1); each key may appear once", error.Message);
        Assert.Equal(keys, map.Entries.Length);
        Assert.Equal("v", ((YamlScalar)map.Get("key1")!).Value);
    }

    [Fact]
    public void A_duplicate_in_a_nested_map_does_not_see_the_keys_of_its_parent()
    {
        var bag = new DiagnosticBag();
        var root = Assert.IsType<YamlMapping>(Read("a: 1\nb: { a: 2, b: 3 }\n", bag));
        Assert.Empty(bag.Items);
        Assert.Equal("2", ((YamlScalar)Assert.IsType<YamlMapping>(root.Get("b")).Get("a")!).Value);
    }

    private static string Key(int i) => "key" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
