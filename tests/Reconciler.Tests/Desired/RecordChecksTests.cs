using Reconciler.Records;

namespace Reconciler.Tests.Desired;

/// <summary>SPF, DMARC, TLS-RPT and DANE values are checked with the Records parsers, reported at the node.</summary>
public class RecordChecksTests
{
    [Fact]
    public void Spf_is_kept_as_written_when_valid()
    {
        var state = Load.Domain("spf: \"v=spf1 mx include:_spf.example.net -all\"\n");
        Load.NoErrors(state);
        Assert.Equal("v=spf1 mx include:_spf.example.net -all", Assert.Single(state.Domains).Spf);
    }

    [Theory]
    [InlineData("spf: \"v=spf1 mx bogus:x -all\"\n", "2:6")]
    [InlineData("spf: \"v=spf1 ip4:300.1.1.1 -all\"\n", "2:6")]
    [InlineData("spf: \"v=spf1 redirect=a.example redirect=b.example\"\n", "2:6")]
    [InlineData("spf: \"include:x -all\"\n", "2:6")]
    public void Spf_problems_are_errors_at_the_value(string body, string position)
    {
        var state = Load.Domain(body);
        Load.At(state, $"{Load.File}:{position}: error", "spf");
        Assert.Single(state.Invalid);
    }

    [Fact]
    public void Spf_with_too_many_lookups_is_an_error()
    {
        var includes = string.Join(' ', Enumerable.Range(1, 11).Select(i => $"include:s{i}.example.net"));
        Load.At(Load.Domain($"spf: \"v=spf1 {includes} -all\"\n"), $"{Load.File}:2:6: error", "7208");
    }

    [Fact]
    public void Spf_ptr_is_a_warning()
    {
        var state = Load.Domain("spf: \"v=spf1 ptr -all\"\n");
        Load.NoErrors(state);
        Load.At(state, $"{Load.File}:2:6: warning", "spf");
    }

    [Fact]
    public void Dmarc_tags_render_in_a_fixed_order()
    {
        var state = Load.Domain("dmarc:\n  rua: [ \"mailto:a@example.com\", \"mailto:b@example.net\" ]\n  p: reject\n  np: reject\n  adkim: s\n  t: y\n");
        Load.NoErrors(state);
        Assert.Equal("v=DMARC1; p=reject; np=reject; t=y; adkim=s; rua=mailto:a@example.com,mailto:b@example.net",
            Assert.Single(state.Domains).Dmarc!.ToRecordText());
    }

    [Theory]
    [InlineData("dmarc:\n  p: reject\n  sp: maybe\n", "4:7", "error: dmarc: sp 'maybe'")]
    [InlineData("dmarc:\n  p: reject\n  adkim: x\n", "4:10", "error: dmarc: adkim 'x'")]
    [InlineData("dmarc:\n  p: reject\n  fo: \"2\"\n", "4:7", "error: dmarc: fo '2'")]
    [InlineData("dmarc:\n  p: reject\n  pct: 50\n", "4:8", "warning: dmarc: 'pct': legacy tag removed in RFC 9989")]
    [InlineData("dmarc:\n  p: reject\n  ri: 3600\n", "4:7", "warning: dmarc: 'ri': legacy tag")]
    [InlineData("dmarc:\n  adkim: s\n", "3:3", "error: dmarc: the 'p' tag")]
    public void Dmarc_problems_are_reported_at_the_tag(string body, string position, string fragment) =>
        Load.At(Load.Domain(body), $"{Load.File}:{position}", fragment);

    [Fact]
    public void Tls_rpt_accepts_mailto_and_https()
    {
        var state = Load.Domain("tls_rpt:\n  rua: [ \"mailto:tls@example.com\", \"https://reports.example.com/tlsrpt\" ]\n");
        Load.NoErrors(state);
        Assert.Equal(2, Assert.Single(state.Domains).TlsRpt!.Rua.Count);
    }

    [Fact]
    public void Dane_records_are_normalised_and_tied_to_mx_hosts()
    {
        var hex = new string('A', 64);
        var state = Load.Domain(Load.GoodMx + $"\ndane:\n  Mail.Example.com.: [ \"3 1 1 {hex[..32]} {hex[32..]}\" ]\n  other.example.com: [ \"3 1 1 {hex}\" ]\n");
        Load.NoErrors(state);
        var dane = Assert.Single(state.Domains).Dane!;
        Assert.Equal([$"3 1 1 {hex.ToLowerInvariant()}"], dane["mail.example.com"]);
        Load.At(state, $"{Load.File}:6:3: warning", "dane host 'other.example.com' is not one of the mx hosts");
    }

    [Theory]
    [InlineData("\"3 1 1 abcd\"", "error")]
    [InlineData("\"9 1 1 00\"", "error")]
    [InlineData("\"3 1 1 zz\"", "error")]
    public void Bad_tlsa_is_an_error(string record, string severity)
    {
        var state = Load.Domain(Load.GoodMx + $"\ndane:\n  mail.example.com: [ {record} ]\n");
        Load.At(state, $"{Load.File}:5:23: {severity}", "dane record for 'mail.example.com'");
        Assert.Single(state.Invalid);
    }

    [Fact]
    public void Pkix_tlsa_usage_is_a_warning()
    {
        var state = Load.Domain(Load.GoodMx + $"\ndane:\n  mail.example.com: [ \"1 1 1 {new string('0', 64)}\" ]\n");
        Load.NoErrors(state);
        Assert.Contains(state.Diagnostics, d => d.Severity == Severity.Warning && d.Message.StartsWith("dane record", StringComparison.Ordinal));
    }
}
