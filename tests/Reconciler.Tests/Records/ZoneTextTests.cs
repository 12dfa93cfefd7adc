using System.Text;
using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class ZoneTextTests
{
    [Fact]
    public void Short_value_is_one_chunk()
    {
        Assert.Equal(["v=spf1 -all"], ZoneText.SplitTxt("v=spf1 -all"));
        Assert.Equal([""], ZoneText.SplitTxt(""));
    }

    [Fact]
    public void Splits_at_255_bytes()
    {
        var value = new string('a', 600);
        var chunks = ZoneText.SplitTxt(value);
        Assert.Equal([255, 255, 90], chunks.Select(c => c.Length));
        Assert.Equal(value, string.Concat(chunks));
        Assert.Single(ZoneText.SplitTxt(new string('a', 255)));
        Assert.Equal(2, ZoneText.SplitTxt(new string('a', 256)).Count);
    }

    [Fact]
    public void Never_splits_a_multi_byte_character()
    {
        var value = new string('a', 254) + "é" + "😀" + new string('b', 300);
        var chunks = ZoneText.SplitTxt(value);
        Assert.Equal(value, string.Concat(chunks));
        Assert.All(chunks, c => Assert.InRange(Encoding.UTF8.GetByteCount(c), 1, 255));
        Assert.Equal(254, chunks[0].Length);
        Assert.StartsWith("é😀", chunks[1], StringComparison.Ordinal);
        Assert.All(chunks, c => Assert.False(char.IsLowSurrogate(c[0]) || char.IsHighSurrogate(c[^1])));
    }

    [Fact]
    public void Quotes_and_escapes()
    {
        Assert.Equal("\"v=spf1 -all\"", ZoneText.QuoteTxt("v=spf1 -all"));
        Assert.Equal("\"a\\\"b\\\\c\"", ZoneText.QuoteTxt("a\"b\\c"));
        Assert.Equal("\"a\\009b\"", ZoneText.QuoteTxt("a\tb"));
        var quoted = ZoneText.QuoteTxt(new string('x', 300));
        Assert.Equal("\"" + new string('x', 255) + "\" \"" + new string('x', 45) + "\"", quoted);
    }

    [Fact]
    public void Record_line_is_tab_separated_with_a_fully_qualified_owner()
    {
        Assert.Equal("mail.example.com.\t3600\tIN\tMX\t10 mx.example.com.", ZoneText.Record("Mail.Example.com", "mx", "10 mx.example.com."));
        Assert.Equal("_25._tcp.mx.example.com.\t300\tIN\tTLSA\t3 1 1 ab", ZoneText.Record("_25._tcp.mx.example.com.", "TLSA", "3 1 1 ab", 300));
    }

    [Fact]
    public void Txt_line_quotes_the_value()
    {
        Assert.Equal("_mta-sts.example.com.\t3600\tIN\tTXT\t\"v=STSv1; id=1\"", ZoneText.Txt("_mta-sts.example.com", "v=STSv1; id=1"));
    }
}
