using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class TlsaTextTests
{
    private static readonly string Sha256 = new('a', 64);
    private static readonly string Sha512 = new('B', 128);

    [Fact]
    public void Parses_dane_ee_spki_sha256()
    {
        var r = TlsaText.Parse("3 1 1 " + Sha256.ToUpperInvariant());
        Assert.True(r.Ok);
        Assert.Empty(r.Problems);
        Assert.Equal(new TlsaRecord(3, 1, 1, Sha256), r.Value);
    }

    [Fact]
    public void Hex_may_contain_spaces_and_is_lower_cased()
    {
        var spaced = string.Join(' ', Enumerable.Range(0, 8).Select(i => Sha512.Substring(i * 16, 16)));
        var r = TlsaText.Parse("  2 0 2 " + spaced + " ");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(Sha512.ToLowerInvariant(), r.Value!.Data);
    }

    [Fact]
    public void Full_data_may_have_any_length()
    {
        var r = TlsaText.Parse("3 0 0 3082010a");
        Assert.True(r.Ok);
        Assert.Equal("3082010a", r.Value!.Data);
    }

    [Fact]
    public void Accepts_rfc7218_mnemonics()
    {
        var r = TlsaText.Parse("DANE-EE SPKI SHA2-256 " + Sha256);
        Assert.True(r.Ok);
        Assert.Equal(new TlsaRecord(3, 1, 1, Sha256), r.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Pkix_usages_warn_for_smtp(int usage)
    {
        var r = TlsaText.Parse($"{usage} 1 1 {Sha256}");
        Assert.True(r.Ok);
        var p = Assert.Single(r.Problems);
        Assert.Equal(Severity.Warning, p.Severity);
        Assert.Equal("RFC 7672 §3.1.3", p.Rule);
    }

    [Theory]
    [InlineData("4 1 1 AA", "usage")]
    [InlineData("3 2 1 AA", "selector")]
    [InlineData("3 1 3 AA", "matching type")]
    [InlineData("x 1 1 AA", "usage")]
    [InlineData("3 1 1", "expected")]
    [InlineData("", "expected")]
    [InlineData("3 1 1 abc", "hex")]
    [InlineData("3 1 1 zz", "hex")]
    [InlineData("3 1 1 aabb", "32 bytes")]
    [InlineData("3 1 2 aabb", "64 bytes")]
    public void Rejects_invalid_text(string text, string mention)
    {
        var r = TlsaText.Parse(text);
        Assert.False(r.Ok);
        Assert.Null(r.Value);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule.StartsWith("RFC 6698", StringComparison.Ordinal) &&
            p.Message.Contains(mention, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_reports_every_problem()
    {
        var r = TlsaText.Parse("9 9 9 q");
        Assert.Equal(4, r.Problems.Count(p => p.Severity == Severity.Error));
    }

    [Fact]
    public void Renders_lower_case_hex() =>
        Assert.Equal("3 1 1 " + Sha256, TlsaText.Render(new TlsaRecord(3, 1, 1, Sha256.ToUpperInvariant())));
}
