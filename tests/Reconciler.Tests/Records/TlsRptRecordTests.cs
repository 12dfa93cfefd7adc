using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class TlsRptRecordTests
{
    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:tlsrpt@example.com", new[] { "mailto:tlsrpt@example.com" })]
    [InlineData("v=TLSRPTv1;rua=mailto:a@example.com,https://reports.example.net/tls", new[] { "mailto:a@example.com", "https://reports.example.net/tls" })]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.com , mailto:b@example.org ;", new[] { "mailto:a@example.com", "mailto:b@example.org" })]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.com; ext=1", new[] { "mailto:a@example.com" })]
    public void Parses_valid_records(string txt, string[] rua)
    {
        var r = TlsRptRecord.Parse(txt);
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(rua, r.Value!.Rua);
    }

    [Theory]
    [InlineData("rua=mailto:a@example.com; v=TLSRPTv1", "v=TLSRPTv1")]
    [InlineData("v=tlsrptv1; rua=mailto:a@example.com", "v=TLSRPTv1")]
    [InlineData("v=TLSRPTv1", "'rua'")]
    [InlineData("v=TLSRPTv1; rua=", "'rua'")]
    [InlineData("v=TLSRPTv1; rua=http://example.com/r", "mailto: or https:")]
    [InlineData("v=TLSRPTv1; rua=a@example.com", "mailto: or https:")]
    [InlineData("v=TLSRPTv1; rua=mailto:example.com", "local-part@domain")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@bad_domain", "invalid domain")]
    [InlineData("v=TLSRPTv1; rua=https://", "https:")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", "more than once")]
    [InlineData("v=TLSRPTv1; RUA=mailto:a@example.com", "'rua'")]
    public void Rejects_invalid_records_naming_section_3(string txt, string mention)
    {
        var r = TlsRptRecord.Parse(txt);
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule == "RFC 8460 §3" &&
            p.Message.Contains(mention, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_every_bad_uri()
    {
        var r = TlsRptRecord.Parse("v=TLSRPTv1; rua=ftp://x.example.com,mailto:nobody,https://ok.example.com");
        Assert.Equal(2, r.Problems.Count(p => p.Severity == Severity.Error));
    }

    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:a@x.example", true)]
    [InlineData("v=TLSRPTv1;rua=mailto:a@x.example", true)]
    [InlineData("v=TLSRPTv1", true)]
    [InlineData("v=TLSRPTv10; rua=mailto:a@x.example", false)]
    [InlineData("v=STSv1; id=1", false)]
    public void IsTlsRpt(string txt, bool expected) => Assert.Equal(expected, TlsRptRecord.IsTlsRpt(txt));

    [Theory]
    [InlineData("mailto:TLSReports@exchangelabs.nl", true)]
    [InlineData("MAILTO:a@Example.COM", true)]
    [InlineData("https://example.com/report", true)]
    [InlineData("https://example.com:8443/report?x=1", true)]
    [InlineData("", false)]
    [InlineData("mailto:", false)]
    [InlineData("mailto:@example.com", false)]
    [InlineData("mailto:a b@example.com", false)]
    [InlineData("http://example.com/", false)]
    [InlineData("https://exa mple.com/", false)]
    public void IsValidRua(string uri, bool expected)
    {
        Assert.Equal(expected, TlsRptRecord.IsValidRua(uri, out var error));
        Assert.Equal(expected, error is null);
    }

    [Fact]
    public void Renders_comma_separated_uris() =>
        Assert.Equal("v=TLSRPTv1; rua=mailto:a@x,https://y",
            new TlsRptRecord(["mailto:a@x", "https://y"]).Render());

    [Fact]
    public void SemanticEquals_compares_rua_as_a_set_with_case_insensitive_scheme_and_domain()
    {
        var a = new TlsRptRecord(["mailto:Reports@Example.com", "https://r.example.net/x"]);
        Assert.True(a.SemanticEquals(new TlsRptRecord(["HTTPS://R.EXAMPLE.NET/x", "MAILTO:Reports@example.COM"])));
        Assert.False(a.SemanticEquals(new TlsRptRecord(["mailto:reports@example.com", "https://r.example.net/x"])));
        Assert.False(a.SemanticEquals(new TlsRptRecord(["mailto:Reports@Example.com"])));
        Assert.False(a.SemanticEquals(new TlsRptRecord(["mailto:Reports@Example.com", "https://r.example.net/X"])));
    }
}
