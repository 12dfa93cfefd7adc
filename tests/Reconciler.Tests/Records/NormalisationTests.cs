using Reconciler.Records;

namespace Reconciler.Tests.Records;

/// <summary>
/// The "must not drift" rules: tag order, case where the RFC allows it, white space, CRLF vs LF and a
/// trailing ';' never change the meaning of a record; values do.
/// </summary>
public class NormalisationTests
{
    private const string Key = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5";

    [Theory]
    [InlineData("v=DMARC1; p=reject; rua=mailto:a@example.com; adkim=s")]
    [InlineData("v=DMARC1; adkim=s; rua=mailto:a@example.com; p=reject")]
    [InlineData("v=DMARC1;p=reject;rua=mailto:a@example.com;adkim=s;")]
    [InlineData("v = DMARC1 ;\tp = reject ; rua = mailto:a@example.com ; adkim = s ;  ")]
    [InlineData("V=DMARC1; P=REJECT; RUA=MAILTO:a@EXAMPLE.COM; ADKIM=S")]
    [InlineData("v=DMARC1; p=reject; rua=mailto:a@example.com; adkim=s; sp=reject; np=reject; aspf=r; fo=0; psd=u; t=n")]
    public void Dmarc_order_case_whitespace_and_trailing_semicolon_do_not_drift(string txt)
    {
        var baseline = DmarcRecord.Parse("v=DMARC1; p=reject; rua=mailto:a@example.com; adkim=s").Value!;
        var other = DmarcRecord.Parse(txt);
        Assert.True(other.Ok, string.Join("; ", other.Problems));
        Assert.True(baseline.SemanticEquals(other.Value!));
        Assert.True(other.Value!.SemanticEquals(baseline));
    }

    [Fact]
    public void Dmarc_render_is_the_same_whatever_the_input_order()
    {
        var a = DmarcRecord.Parse("v=DMARC1; p=reject; rua=mailto:a@example.com; adkim=s").Value!.Render();
        var b = DmarcRecord.Parse("v=DMARC1;adkim=s;rua=mailto:a@example.com;P=reject;").Value!.Render();
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("v=DMARC1; p=quarantine; rua=mailto:a@example.com; adkim=s")]
    [InlineData("v=DMARC1; p=reject; rua=mailto:b@example.com; adkim=s")]
    [InlineData("v=DMARC1; p=reject; rua=mailto:a@example.com")]
    [InlineData("v=DMARC1; p=reject; rua=mailto:A@example.com; adkim=s")]
    public void Dmarc_values_do_drift(string txt)
    {
        var baseline = DmarcRecord.Parse("v=DMARC1; p=reject; rua=mailto:a@example.com; adkim=s").Value!;
        Assert.False(baseline.SemanticEquals(DmarcRecord.Parse(txt).Value!));
    }

    [Theory]
    [InlineData("v=spf1 a mx -all")]
    [InlineData("v=spf1  a   mx  -all  ")]
    [InlineData("V=SPF1 +A +MX -ALL")]
    [InlineData("v=spf1 A Mx -All")]
    public void Spf_spacing_case_and_implied_plus_do_not_drift(string txt)
    {
        var baseline = SpfRecord.Parse("v=spf1 a mx -all").Value!;
        var other = SpfRecord.Parse(txt).Value!;
        Assert.True(baseline.SemanticEquals(other));
        Assert.Equal(baseline.Render(), other.Render());
    }

    [Theory]
    [InlineData("v=spf1 mx a -all")]
    [InlineData("v=spf1 a mx ~all")]
    [InlineData("v=spf1 a mx/24 -all")]
    public void Spf_term_order_and_values_do_drift(string txt) =>
        Assert.False(SpfRecord.Parse("v=spf1 a mx -all").Value!.SemanticEquals(SpfRecord.Parse(txt).Value!));

    [Fact]
    public void Policy_crlf_lf_trailing_whitespace_and_mx_order_and_case_do_not_drift()
    {
        var a = MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: a.example.com\nmx: *.b.example.com\nmax_age: 604800\n").Value!;
        var b = MtaStsPolicy.Parse("version: STSv1\r\nmax_age: 604800   \r\nmx: *.B.EXAMPLE.com.\r\nmode:   enforce\r\nmx: A.example.com\r\n").Value!;
        Assert.True(a.SemanticEquals(b));
        Assert.Equal(a.Render(), new MtaStsPolicy(b.Mode, b.MaxAge, a.Mx).Render());
    }

    [Fact]
    public void Policy_mode_case_is_significant_per_rfc8461()
    {
        var r = MtaStsPolicy.Parse("version: STSv1\nmode: ENFORCE\nmx: a.example.com\nmax_age: 604800\n");
        Assert.False(r.Ok);
    }

    [Theory]
    [InlineData("v=STSv1; id=abc")]
    [InlineData("v=STSv1;id=abc;")]
    [InlineData("v=STSv1 ;  id = abc ; ")]
    [InlineData("v=STSv1; ext=1; id=abc")]
    public void Mta_sts_txt_whitespace_trailing_semicolon_and_order_do_not_drift(string txt) =>
        Assert.Equal(new MtaStsTxtRecord("abc"), MtaStsTxtRecord.Parse(txt).Value);

    [Fact]
    public void Tag_name_case_is_significant_where_the_rfc_says_so()
    {
        Assert.False(MtaStsTxtRecord.Parse("v=STSv1; ID=abc").Ok);
        Assert.False(TlsRptRecord.Parse("v=TLSRPTv1; RUA=mailto:a@example.com").Ok);
        Assert.False(DkimKeyRecord.Parse($"v=DKIM1; P={Key}").Ok);
        Assert.True(DmarcRecord.Parse("v=DMARC1; P=reject").Ok);
    }

    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/t")]
    [InlineData("v=TLSRPTv1;rua=https://r.example.com/t , mailto:a@Example.COM;")]
    [InlineData("v=TLSRPTv1 ; rua = MAILTO:a@example.com,HTTPS://R.example.com/t")]
    public void Tls_rpt_whitespace_order_case_and_trailing_semicolon_do_not_drift(string txt)
    {
        var baseline = TlsRptRecord.Parse("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/t").Value!;
        Assert.True(baseline.SemanticEquals(TlsRptRecord.Parse(txt).Value!));
    }

    [Theory]
    [InlineData($"v=DKIM1; k=rsa; p={Key}")]
    [InlineData($"k=rsa; p={Key}")]
    [InlineData($"p={Key};")]
    [InlineData($"v=DKIM1;k=RSA;p=MIGfMA0GCSqGSIb3\r\n\tDQEBAQUAA4GNADCBiQKBgQC5;")]
    [InlineData($"v=DKIM1; n=note; s=*; p= MIGfMA0GCSqGSIb3DQEB AQUAA4GNADCBiQKBgQC5 ")]
    public void Dkim_order_case_whitespace_and_trailing_semicolon_do_not_drift(string txt)
    {
        // SemanticEquals does not need a valid key, so build the records straight from their tags.
        var baseline = FromTags($"v=DKIM1; k=rsa; p={Key}");
        var other = FromTags(txt);
        Assert.True(baseline.SemanticEquals(other));
        Assert.Equal(baseline.PublicKey, other.PublicKey);
        Assert.Equal(baseline.KeyType, other.KeyType);
    }

    [Fact]
    public void Dkim_key_value_and_type_do_drift()
    {
        var baseline = FromTags($"v=DKIM1; k=rsa; p={Key}");
        Assert.False(baseline.SemanticEquals(FromTags($"v=DKIM1; k=rsa; p={Key.ToLowerInvariant()}")));
        Assert.False(baseline.SemanticEquals(FromTags($"v=DKIM1; k=ed25519; p={Key}")));
    }

    [Theory]
    [InlineData("3 1 0 ABCDEF", "3 1 0 abcdef")]
    [InlineData("3 1 0 ab cd ef", "3 1 0 abcdef")]
    [InlineData(" 3  1  0\tAB\r\n", "3 1 0 ab")]
    [InlineData("DANE-EE spki FULL ab", "3 1 0 ab")]
    public void Tlsa_case_and_spacing_do_not_drift(string text, string rendered)
    {
        var r = TlsaText.Parse(text);
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(rendered, TlsaText.Render(r.Value!));
    }

    private static DkimKeyRecord FromTags(string txt) =>
        new(TagList.Parse(txt, "test", caseSensitiveNames: true).Value!.ToDictionary(t => t.Key, t => t.Value));
}
