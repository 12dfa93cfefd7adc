using System.Diagnostics;
using System.Text;
using Reconciler.Desired;

namespace Reconciler.Tests.Desired;

public class BadInputTests
{
    private static DesiredState Bytes(byte[] content) => DesiredStateLoader.Load([new DesiredFile(Load.File, content)]);

    private static void InvalidWith(DesiredState state, string expected, string fragment)
    {
        Load.At(state, expected, fragment);
        Assert.Empty(state.Domains);
        Assert.Equal("example.com", Assert.Single(state.Invalid).Domain);
    }

    [Fact]
    public void Alias_bomb_is_refused_fast()
    {
        var yaml = new StringBuilder("domain: example.com\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 'b'; i <= 'z'; i++)
        {
            var prev = (char)(i - 1);
            yaml.Append($"{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
        }

        var watch = Stopwatch.StartNew();
        var state = Load.Files((Load.File, yaml.ToString()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        InvalidWith(state, $"{Load.File}:3:8", "alias '*a' is not allowed");
    }

    [Fact]
    public void Files_over_one_mebibyte_are_refused_before_parsing()
    {
        var content = Encoding.UTF8.GetBytes("domain: example.com\n# " + new string('x', 1536 * 1024) + "\n");
        InvalidWith(Bytes(content), $"{Load.File}:0:0", "larger than 1048576 bytes");
    }

    [Fact]
    public void Large_files_on_disk_are_read_bounded()
    {
        var dir = Directory.CreateTempSubdirectory("desired-big-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "domains"));
            File.WriteAllBytes(Path.Combine(dir.FullName, "domains", "example.com.yaml"), new byte[1536 * 1024]);
            InvalidWith(DesiredStateLoader.Load(dir.FullName), $"{Load.File}:0:0", "larger than 1048576 bytes");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Invalid_utf8_names_the_position()
    {
        byte[] content = [.. "domain: example.com\nspf: \"v=spf1 "u8, 0xC3, 0x28, .. "-all\"\n"u8];
        InvalidWith(Bytes(content), $"{Load.File}:2:14", "not valid UTF-8 (bad byte 0xC3 at offset 33)");
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        Load.NoErrors(Bytes([0xEF, 0xBB, 0xBF, .. "domain: example.com\n"u8]));
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var state = Load.Files((Load.File, "domain: example.com\nmx: " + new string('[', 10000) + new string(']', 10000) + "\n"));
        InvalidWith(state, $"{Load.File}:2:36", "nesting is deeper than 32 levels");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Empty_files_are_errors(string text) =>
        InvalidWith(Load.Files((Load.File, text)), $"{Load.File}:0:0", "the file is empty");

    [Theory]
    [InlineData("- domain: example.com\n", "1:1", "a domain file must be a map (domain:, mx:, mta_sts:, ...), not a list")]
    [InlineData("example.com\n", "1:1", "a domain file must be a map (domain:, mx:, mta_sts:, ...), not the value 'example.com'")]
    [InlineData("domain: example.com\n---\ndomain: example.com\n", "2:1", "a second YAML document starts here")]
    [InlineData("domain: example.com\nmx: [ { preference: 10\n", "3:1", "malformed YAML")]
    [InlineData("domain: example.com\n  spf: x\n", "2:6", "malformed YAML")]
    [InlineData("domain: example.com\nspf: \"v=spf1\n", "2:6", "malformed YAML: While scanning a quoted scalar")]
    [InlineData("domain: example.com\n? [a, b]\n: c\n", "2:3", "a key must be a plain name, not a list")]
    public void Structural_yaml_problems_are_errors(string text, string position, string fragment) =>
        InvalidWith(Load.Files((Load.File, text)), $"{Load.File}:{position}", fragment);

    [Fact]
    public void Tabs_and_control_characters_do_not_throw()
    {
        var state = Load.Files((Load.File, "domain: example.com\n\tspf: x\n\u0001\n"));
        Assert.True(state.HasErrors);
        Assert.Single(state.Invalid);
    }
}

public class SizeLimitTests
{
    [Fact]
    public void Huge_lists_and_maps_are_refused_quickly()
    {
        var mx = string.Concat(Enumerable.Range(0, 20000).Select(i => $"  - {{ preference: 1, host: h{i}.example.com }}\n"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var state = Load.Domain("mx:\n" + mx);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Load.At(state, $"{Load.File}:3:3", "this list or map has more than 1000 entries");

        var keys = string.Concat(Enumerable.Range(0, 30000).Select(i => $"  s{i}: {{ absent: true }}\n"));
        Load.At(Load.Domain("dkim:\n" + keys), $"{Load.File}:3:3", "more than 1000 entries");
    }

    [Fact]
    public void A_thousand_entries_are_fine()
    {
        var keys = string.Concat(Enumerable.Range(0, 1000).Select(i => $"  s{i}: {{ absent: true }}\n"));
        var state = Load.Domain("dkim:\n" + keys);
        Load.NoErrors(state);
        Assert.Equal(1000, Assert.Single(state.Domains).Dkim!.Count);
    }
}
