using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class DmarcRecordTests
{
    [Fact]
    public void Parses_every_rfc9989_tag()
    {
        var r = DmarcRecord.Parse("v=DMARC1; p=Reject; sp=quarantine; np=reject; psd=n; t=y; adkim=s; aspf=r; fo=1:d; " +
                                  "rua=mailto:a@example.com,mailto:b@example.net; ruf=mailto:f@example.com");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Empty(r.Problems);
        var d = r.Value!;
        Assert.Equal(("reject", "quarantine", "reject", "n", "y", "s", "r", "1:d"), (d.P, d.Sp, d.Np, d.Psd, d.T, d.Adkim, d.Aspf, d.Fo));
        Assert.Equal(["mailto:a@example.com", "mailto:b@example.net"], d.Rua);
        Assert.Equal(["mailto:f@example.com"], d.Ruf);
        Assert.Null(d.Pct);
    }

    [Fact]
    public void Defaults_are_applied()
    {
        var d = DmarcRecord.Parse("v=DMARC1; p=quarantine").Value!;
        Assert.Equal("quarantine", d.EffectiveSp);
        Assert.Equal("quarantine", d.EffectiveNp);
        Assert.Equal(("r", "r", "0", "u", "n", 100), (d.EffectiveAdkim, d.EffectiveAspf, d.EffectiveFo, d.EffectivePsd, d.EffectiveT, d.EffectivePct));
        var withSp = DmarcRecord.Parse("v=DMARC1; p=reject; sp=none").Value!;
        Assert.Equal("none", withSp.EffectiveNp);
        Assert.Empty(withSp.Rua);
    }

    [Fact]
    public void Rua_only_record_is_treated_as_p_none_with_a_warning()
    {
        var r = DmarcRecord.Parse("v=DMARC1; rua=mailto:d@example.com");
        Assert.True(r.Ok);
        Assert.Equal("none", r.Value!.EffectiveP);
        Assert.Null(r.Value.P);
        Assert.Equal(Severity.Warning, Assert.Single(r.Problems).Severity);
    }

    [Theory]
    [InlineData("v=DMARC1", "'p'")]
    [InlineData("v=DMARC1; rua=mailto:nobody", "'p'")]
    [InlineData("v=DMARC1; p=block", "p 'block'")]
    [InlineData("v=DMARC1; p=none; sp=all", "sp 'all'")]
    [InlineData("v=DMARC1; p=none; np=x", "np 'x'")]
    [InlineData("v=DMARC1; p=none; psd=yes", "psd")]
    [InlineData("v=DMARC1; p=none; t=u", "t 'u'")]
    [InlineData("v=DMARC1; p=none; adkim=x", "adkim")]
    [InlineData("v=DMARC1; p=none; aspf=relaxed", "aspf")]
    [InlineData("v=DMARC1; p=none; fo=0:2", "fo")]
    [InlineData("v=DMARC1; p=none; rua=mailto:a@", "rua")]
    [InlineData("v=DMARC1; p=none; ruf=not a uri", "ruf")]
    [InlineData("v=DMARC1; p=none; p=reject", "more than once")]
    [InlineData("p=none; v=DMARC1", "v=DMARC1")]
    [InlineData("v=DMARC2; p=none", "v=DMARC1")]
    [InlineData("v=spf1 -all", "v=DMARC1")]
    public void Rejects_invalid_records_naming_rfc9989(string txt, string mention)
    {
        var r = DmarcRecord.Parse(txt);
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule.StartsWith("RFC 9989", StringComparison.Ordinal) &&
            p.Message.Contains(mention, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pct=100")]
    [InlineData("rf=afrf")]
    [InlineData("ri=86400")]
    public void Legacy_tags_are_accepted_with_a_warning(string tag)
    {
        var r = DmarcRecord.Parse("v=DMARC1; p=reject; " + tag);
        Assert.True(r.Ok);
        var p = Assert.Single(r.Problems);
        Assert.Equal(Severity.Warning, p.Severity);
        Assert.Contains("legacy tag removed in RFC 9989", p.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("half")]
    public void Pct_out_of_range_is_an_error(string pct)
    {
        var r = DmarcRecord.Parse("v=DMARC1; p=reject; pct=" + pct);
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Message.Contains("pct", StringComparison.Ordinal));
    }

    [Fact]
    public void Pct_is_parsed()
    {
        Assert.Equal(50, DmarcRecord.Parse("v=DMARC1; p=reject; pct=50").Value!.Pct);
        Assert.Equal(50, DmarcRecord.Parse("v=DMARC1; p=reject; pct=50").Value!.EffectivePct);
    }

    [Fact]
    public void Unknown_tags_and_non_mailto_uris_are_not_errors()
    {
        var r = DmarcRecord.Parse("v=DMARC1; p=none; future=1; rua=https://r.example.com/d, mailto:a@example.com!10m");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(Severity.Warning, Assert.Single(r.Problems).Severity);
    }

    [Theory]
    [InlineData("v=DMARC1; p=none", true)]
    [InlineData("v=DMARC1", true)]
    [InlineData(" v = DMARC1 ;p=none", true)]
    [InlineData("V=DMARC1; p=none", true)]
    [InlineData("v=dmarc1; p=none", false)]
    [InlineData("v=DMARC10; p=none", false)]
    [InlineData("p=none", false)]
    public void IsDmarc(string txt, bool expected) => Assert.Equal(expected, DmarcRecord.IsDmarc(txt));

    [Theory]
    [InlineData("none", 0)]
    [InlineData(null, 0)]
    [InlineData("quarantine", 1)]
    [InlineData("Reject", 2)]
    [InlineData("bogus", -1)]
    public void Strictness(string? policy, int expected) => Assert.Equal(expected, DmarcRecord.Strictness(policy));

    [Fact]
    public void Renders_in_canonical_order()
    {
        var d = DmarcRecord.Parse("v=DMARC1; rua=mailto:a@example.com; X=1; sp=reject; p=reject; ").Value!;
        Assert.Equal("v=DMARC1; p=reject; sp=reject; rua=mailto:a@example.com; x=1", d.Render());
    }

    [Fact]
    public void SemanticEquals_applies_defaults_and_ignores_order_case_and_whitespace()
    {
        var a = DmarcRecord.Parse("v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@example.com").Value!;
        Assert.True(a.SemanticEquals(DmarcRecord.Parse("v=DMARC1;rua=mailto:b@EXAMPLE.com , mailto:a@example.com;P=REJECT;sp=reject;adkim=r;fo=0;pct=100;").Value!));
        Assert.False(a.SemanticEquals(DmarcRecord.Parse("v=DMARC1; p=quarantine; rua=mailto:a@example.com,mailto:b@example.com").Value!));
        Assert.False(a.SemanticEquals(DmarcRecord.Parse("v=DMARC1; p=reject; sp=none; rua=mailto:a@example.com,mailto:b@example.com").Value!));
        Assert.False(a.SemanticEquals(DmarcRecord.Parse("v=DMARC1; p=reject; rua=mailto:a@example.com").Value!));
        Assert.False(a.SemanticEquals(DmarcRecord.Parse("v=DMARC1; p=reject; pct=50; rua=mailto:a@example.com,mailto:b@example.com").Value!));
        Assert.False(a.SemanticEquals(DmarcRecord.Parse("v=DMARC1; p=reject; np=none; rua=mailto:a@example.com,mailto:b@example.com").Value!));
        Assert.True(DmarcRecord.Parse("v=DMARC1; p=none; fo=1:d").Value!.SemanticEquals(DmarcRecord.Parse("v=DMARC1; p=none; fo=d : 1").Value!));
    }
}
