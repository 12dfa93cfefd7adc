using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class SpfRecordTests
{
    [Fact]
    public void Parses_terms_with_qualifiers_names_and_values()
    {
        var r = SpfRecord.Parse("v=spf1 a:smtphost.exchangelabs.nl include:spf.protection.outlook.com ip4:192.0.2.0/24 " +
                                "IP6:2001:db8::/32 ~MX/24//64 ?exists:%{i}.x.example.com redirect=_spf.example.com -all");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        var t = r.Value!.Terms;
        Assert.Equal(new SpfTerm("+", "a", "smtphost.exchangelabs.nl", false), t[0]);
        Assert.Equal(new SpfTerm("+", "include", "spf.protection.outlook.com", false), t[1]);
        Assert.Equal(new SpfTerm("+", "ip4", "192.0.2.0/24", false), t[2]);
        Assert.Equal(new SpfTerm("+", "ip6", "2001:db8::/32", false), t[3]);
        Assert.Equal(new SpfTerm("~", "mx", "/24//64", false), t[4]);
        Assert.Equal(new SpfTerm("?", "exists", "%{i}.x.example.com", false), t[5]);
        Assert.Equal(new SpfTerm("", "redirect", "_spf.example.com", true), t[6]);
        Assert.Equal(new SpfTerm("-", "all", null, false), t[7]);
    }

    [Theory]
    [InlineData("v=spf1", true)]
    [InlineData("v=spf1 -all", true)]
    [InlineData("V=SPF1 -all", true)]
    [InlineData("v=spf10 -all", false)]
    [InlineData("v=spf1-all", false)]
    [InlineData(" v=spf1 -all", false)]
    [InlineData("v=DMARC1; p=none", false)]
    public void IsSpf(string txt, bool expected) => Assert.Equal(expected, SpfRecord.IsSpf(txt));

    [Theory]
    [InlineData("v=spf1 foo -all", "unknown mechanism 'foo'", "RFC 7208 §4.6.1")]
    [InlineData("v=spf1 ip4:1.2.3.4/33", "larger than 32", "RFC 7208 §5.6")]
    [InlineData("v=spf1 ip4:1.2.3.4/08", "leading zero", "RFC 7208 §5.6")]
    [InlineData("v=spf1 ip4:01.2.3.4", "IPv4", "RFC 7208 §5.6")]
    [InlineData("v=spf1 ip6:2001:db8::1/129", "larger than 128", "RFC 7208 §5.6")]
    [InlineData("v=spf1 ip6:192.0.2.1", "IPv6", "RFC 7208 §5.6")]
    [InlineData("v=spf1 a/33", "larger than 32", "RFC 7208 §5.3")]
    [InlineData("v=spf1 mx:example.com//129", "larger than 128", "RFC 7208 §5.4")]
    [InlineData("v=spf1 include:example", "top-level label", "RFC 7208 §5.2")]
    [InlineData("v=spf1 include:example.123", "top-level label", "RFC 7208 §5.2")]
    [InlineData("v=spf1 a:%{z}.example.com", "not a macro letter", "RFC 7208 §5.3")]
    [InlineData("v=spf1 a:%{d0}.example.com", "zero", "RFC 7208 §5.3")]
    [InlineData("v=spf1 a:%{d2r;}.example.com", "delimiter", "RFC 7208 §5.3")]
    [InlineData("v=spf1 a:%{d.example.com", "not closed", "RFC 7208 §5.3")]
    [InlineData("v=spf1 exists:100%.example.com", "'%.'", "RFC 7208 §5.7")]
    [InlineData("v=spf1 redirect=a.example.com redirect=b.example.com", "'redirect' appears more than once", "RFC 7208 §6")]
    [InlineData("v=spf1 exp=a.example.com exp=b.example.com", "'exp' appears more than once", "RFC 7208 §6")]
    [InlineData("v=spf1 exp=%{c}.example.com", "explanation text", "RFC 7208 §6.2")]
    [InlineData("v=spf1 redirect=", "empty", "RFC 7208 §6.1")]
    [InlineData("v=spf1 -all\tmx", "U+0009", "RFC 7208 §4.6.1")]
    [InlineData("v=spf1 mx -all\r\n", "U+000D", "RFC 7208 §4.6.1")]
    [InlineData("v=spf1 all:x", "no argument", "RFC 7208 §5.1")]
    [InlineData("spf1 -all", "v=spf1", "RFC 7208 §4.5")]
    [InlineData("", "empty", "RFC 7208 §4.5")]
    public void Syntax_errors_name_the_rule(string txt, string mention, string rule)
    {
        var r = SpfRecord.Parse(txt);
        Assert.False(r.Ok);
        Assert.Null(r.Value);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule == rule && p.Message.Contains(mention, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_every_syntax_error()
    {
        var r = SpfRecord.Parse("v=spf1 foo bar ip4:1.2.3.999 a/40 redirect=a.example.com redirect=b.example.com");
        Assert.Equal(5, r.Problems.Count(p => p.Severity == Severity.Error));
    }

    [Fact]
    public void More_than_ten_lookup_terms_is_an_error_but_keeps_the_value()
    {
        var r = SpfRecord.Parse("v=spf1 a mx include:a.example.com include:b.example.com exists:%{i}.e.example.com a:x.example.com " +
                                "mx:y.example.com include:c.example.com include:d.example.com include:e.example.com redirect=f.example.com");
        Assert.False(r.Ok);
        Assert.NotNull(r.Value);
        Assert.Equal(11, r.Value!.LookupTermCount);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule == "RFC 7208 §4.6.4" && p.Message.StartsWith("11 ", StringComparison.Ordinal));
        Assert.True(SpfRecord.Parse("v=spf1 a a a a a a a a a a -all").Ok);
    }

    [Fact]
    public void Ip_mechanisms_and_all_cost_no_lookup()
    {
        var r = SpfRecord.Parse("v=spf1 ip4:192.0.2.1 ip6:::1 include:_spf.example.com ptr exists:a.example.com -all exp=x.example.com").Value!;
        Assert.Equal(3, r.LookupTermCount);
        Assert.False(new SpfTerm("+", "ip4", "192.0.2.1", false).CausesDnsLookup);
        Assert.True(new SpfTerm("", "redirect", "x.example.com", true).CausesDnsLookup);
        Assert.False(new SpfTerm("", "exp", "x.example.com", true).CausesDnsLookup);
    }

    [Fact]
    public void Ptr_is_a_warning()
    {
        var r = SpfRecord.Parse("v=spf1 ptr -all");
        Assert.True(r.Ok);
        var p = Assert.Single(r.Problems);
        Assert.Equal((Severity.Warning, "RFC 7208 §5.5"), (p.Severity, p.Rule));
    }

    [Fact]
    public void Terms_after_all_and_redirect_with_all_are_warnings()
    {
        var after = SpfRecord.Parse("v=spf1 -all ip4:192.0.2.1 exp=e.example.com");
        Assert.True(after.Ok);
        Assert.Equal("RFC 7208 §5.1", Assert.Single(after.Problems).Rule);

        var redirect = SpfRecord.Parse("v=spf1 -all redirect=_spf.example.com");
        Assert.True(redirect.Ok);
        Assert.Equal("RFC 7208 §6.1", Assert.Single(redirect.Problems).Rule);
        Assert.Equal(0, redirect.Value!.LookupTermCount);
        Assert.Equal("_spf.example.com", redirect.Value.RedirectTarget);
    }

    [Fact]
    public void A_record_over_450_octets_is_a_warning()
    {
        var ips = string.Join(' ', Enumerable.Range(0, 30).Select(i => $"ip4:198.51.100.{i}/32"));
        var r = SpfRecord.Parse($"v=spf1 {ips} -all");
        Assert.True(r.Ok);
        Assert.Equal("RFC 7208 §3.4", Assert.Single(r.Problems).Rule);
        Assert.Empty(SpfRecord.Parse("v=spf1 ip4:198.51.100.1 -all").Problems);
    }

    [Fact]
    public void Include_and_redirect_targets()
    {
        var r = SpfRecord.Parse("v=spf1 include:a.example.com -include:b.example.com redirect=c.example.com").Value!;
        Assert.Equal(["a.example.com", "b.example.com"], r.IncludeTargets);
        Assert.Equal("c.example.com", r.RedirectTarget);
        Assert.Null(SpfRecord.Parse("v=spf1 -all").Value!.RedirectTarget);
    }

    [Theory]
    [InlineData("v=spf1 exp=explain.%{d}")]
    [InlineData("v=spf1 a:%{ir}.%{v}._spf.%{d2} -all")]
    [InlineData("v=spf1 exists:%{l1r+-}.%{d}")]
    [InlineData("v=spf1 a:foo%%bar%_%-.example.com")]
    [InlineData("v=spf1 mx:example.com. -all")]
    [InlineData("v=spf1 a:xn--bcher-kva.example -all")]
    [InlineData("v=spf1 a:mail.1-2 -all")]
    [InlineData("v=spf1 ip6:::ffff:192.0.2.1/128 ip4:0.0.0.0/0")]
    [InlineData("v=spf1 foo=bar Moo.Cow-2_x=%{s}")]
    [InlineData("v=spf1    mx     -all   ")]
    [InlineData("v=spf1")]
    public void Accepts_valid_records(string txt)
    {
        var r = SpfRecord.Parse(txt);
        Assert.True(r.Ok, string.Join("; ", r.Problems));
    }

    [Fact]
    public void Render_normalises_spacing_case_and_implied_plus()
    {
        var r = SpfRecord.Parse("v=SPF1   +A:Mail.Example.com  MX/24  ~ALL  Redirect=_spf.example.com ").Value!;
        Assert.Equal("v=spf1 a:Mail.Example.com mx/24 ~all redirect=_spf.example.com", r.Render());
        Assert.Equal("v=spf1", new SpfRecord([]).Render());
    }

    [Theory]
    [InlineData("+", "a", null, false, "a")]
    [InlineData("-", "all", null, false, "-all")]
    [InlineData("~", "ip4", "192.0.2.0/24", false, "~ip4:192.0.2.0/24")]
    [InlineData("+", "MX", "/24//64", false, "mx/24//64")]
    [InlineData("+", "mx", "example.com/24", false, "mx:example.com/24")]
    [InlineData("", "exp", "e.example.com", true, "exp=e.example.com")]
    public void Term_render(string q, string name, string? value, bool modifier, string expected) =>
        Assert.Equal(expected, new SpfTerm(q, name, value, modifier).Render());

    [Fact]
    public void SemanticEquals_ignores_case_implied_plus_and_trailing_dot_but_keeps_order()
    {
        var a = SpfRecord.Parse("v=spf1 a:Mail.Example.com include:spf.example.net -all").Value!;
        Assert.True(a.SemanticEquals(SpfRecord.Parse("V=spf1 +A:mail.example.com.  INCLUDE:SPF.example.net -ALL").Value!));
        Assert.False(a.SemanticEquals(SpfRecord.Parse("v=spf1 include:spf.example.net a:mail.example.com -all").Value!));
        Assert.False(a.SemanticEquals(SpfRecord.Parse("v=spf1 a:mail.example.com include:spf.example.net ~all").Value!));
        Assert.False(a.SemanticEquals(SpfRecord.Parse("v=spf1 a:mail.example.com include:spf.example.net").Value!));
        Assert.False(a.SemanticEquals(SpfRecord.Parse("v=spf1 a:mail2.example.com include:spf.example.net -all").Value!));
        var macro = SpfRecord.Parse("v=spf1 exists:%{i}.example.com").Value!;
        Assert.False(macro.SemanticEquals(SpfRecord.Parse("v=spf1 exists:%{I}.example.com").Value!));
    }
}
