using Reconciler.Records;

namespace Reconciler.Tests.Desired;

public class StructureTests
{
    [Fact]
    public void A_minimal_file_loads_with_nothing_managed()
    {
        var state = Load.Domain("");
        Load.NoErrors(state);
        var spec = Assert.Single(state.Domains);
        Assert.Equal("example.com", spec.Domain);
        Assert.Equal(Load.File, spec.File);
        Assert.Null(spec.Mx);
        Assert.Null(spec.MtaSts);
        Assert.Empty(state.Invalid);
    }

    [Fact]
    public void Unknown_key_names_position_and_allowed_keys()
    {
        var state = Load.Domain("mta_sts:\n  mode: enforce\n  max_age: 604800\n  mx: [ mail.example.com ]\n  id: \"1\"\n  mode2: testing\n");
        Load.At(state, "domains/example.com.yaml:7:3", "error: unknown key 'mode2' in mta_sts; allowed: mode, max_age, mx, id");
        Assert.Equal("example.com", Assert.Single(state.Invalid).Domain);
        Assert.Empty(state.Domains);
    }

    [Fact]
    public void Unknown_top_level_key_is_an_error()
    {
        var state = Load.Domain("mta-sts: {}\n");
        Load.At(state, "domains/example.com.yaml:2:1", "unknown key 'mta-sts' in a domain file; allowed: domain, mx, mta_sts, tls_rpt, spf, dmarc, dkim, dane");
    }

    [Fact]
    public void Duplicate_key_reports_both_positions()
    {
        var state = Load.Domain("spf: \"v=spf1 -all\"\nspf: \"v=spf1 mx -all\"\n");
        Load.At(state, "domains/example.com.yaml:3:1", "duplicate key 'spf' (first at 2:1)");
        Assert.Single(state.Invalid);
    }

    [Theory]
    [InlineData("mx: mail.example.com\n", "2:5", "mx must be a list")]
    [InlineData("mx:\n  - mail.example.com\n", "3:5", "an mx entry must be a map with keys preference, host, not the value 'mail.example.com'")]
    [InlineData("mta_sts: [ enforce ]\n", "2:10", "mta_sts must be a map with keys mode, max_age, mx, id, not a list")]
    [InlineData("mta_sts:\n  mode: enforce\n  max_age: \"abc\"\n  id: \"1\"\n  mx: [ mail.example.com ]\n", "4:12", "mta_sts max_age must be a whole number from 0 to 31557600, not 'abc'")]
    [InlineData("mta_sts:\n  mode: enforce\n  max_age: 31557601\n  id: \"1\"\n  mx: [ mail.example.com ]\n", "4:12", "mta_sts max_age is 31557601; allowed: 0 to 31557600")]
    [InlineData("mta_sts:\n  mode: enforce\n  max_age: -5\n  id: \"1\"\n  mx: [ mail.example.com ]\n", "4:12", "must be a whole number")]
    [InlineData("spf: [ \"v=spf1 -all\" ]\n", "2:6", "spf must be a single value, not a list")]
    [InlineData("tls_rpt:\n  rua: \"mailto:a@example.com\"\n", "3:8", "tls_rpt rua must be a list")]
    [InlineData("dkim:\n  s1: { cname: a.example.net, key: \"p=\" }\n", "3:7", "must have exactly one of cname, key, absent: true; found cname, key")]
    [InlineData("dkim:\n  s1: {}\n", "3:7", "found none")]
    [InlineData("dkim:\n  s1: { absent: false }\n", "3:17", "absent must be true")]
    [InlineData("dkim:\n  bad_sel: { absent: true }\n", "3:3", "dkim selector 'bad_sel' is not a valid DNS label")]
    [InlineData("mx:\n  - { preference: 70000, host: mail.example.com }\n", "3:19", "mx preference is 70000; allowed: 0 to 65535")]
    [InlineData("mx:\n  - { preference: 10 }\n", "3:5", "an mx entry is missing the required key 'host'")]
    [InlineData("mx:\n  - { preference: 10, host: \"mail example\" }\n", "3:29", "mx host 'mail example' is not a valid host name")]
    [InlineData("mx:\n  - { preference: 10, host: 192.0.2.1 }\n", "3:29", "is not a valid host name")]
    [InlineData("mx: []\n", "2:5", "mx is empty")]
    [InlineData("mta_sts:\n  mode: Enforce\n  max_age: 86400\n  id: \"1\"\n  mx: [ a.example.com ]\n", "3:9", "mta_sts mode is 'Enforce'; allowed: enforce, testing, none")]
    [InlineData("mta_sts:\n  mode: enforce\n  max_age: 86400\n", "3:3", "mta_sts is missing the required key 'id'")]
    [InlineData("mta_sts:\n  mode: testing\n  max_age: 86400\n  id: \"1\"\n", "3:3", "the policy would cover nothing")]
    [InlineData("mta_sts:\n  mode: testing\n  max_age: 86400\n  id: \"abc-1\"\n  mx: [ a.example.com ]\n", "5:7", "mta_sts id 'abc-1' is not valid; allowed: 1 to 32 letters and digits")]
    [InlineData("mta_sts:\n  mode: testing\n  max_age: 86400\n  id: \"1\"\n  mx: [ \"mail.*.example.com\" ]\n", "6:9", "mta_sts mx pattern 'mail.*.example.com' is not valid")]
    [InlineData("mta_sts:\n  mode: testing\n  max_age: 86400\n  id: \"1\"\n  mx: [ \"mail.example.com:25\" ]\n", "6:9", "is not valid")]
    [InlineData("dane:\n  mail.example.com: \"3 1 1 00\"\n", "3:21", "dane records of 'mail.example.com' must be a list")]
    [InlineData("dmarc:\n  p: reject\n  policy: reject\n", "4:3", "unknown key 'policy' in dmarc; allowed: p, sp, np, psd, t, adkim, aspf, fo, rua, ruf, pct, rf, ri")]
    [InlineData("dmarc:\n  p: reject\n  rua: \"mailto:a@example.com\"\n", "4:8", "dmarc rua must be a list")]
    [InlineData("dmarc:\n  p: \"reject; sp=none\"\n", "3:6", "contains ';'")]
    [InlineData("tls_rpt:\n  rua: [ \"ftp://example.com/x\" ]\n", "3:10", "tls_rpt rua 'ftp://example.com/x' is not valid")]
    public void Shape_and_value_errors_are_reported_at_the_node(string body, string position, string fragment)
    {
        var state = Load.Domain(body);
        Load.At(state, $"{Load.File}:{position}", fragment);
        Assert.Empty(state.Domains);
        Assert.Single(state.Invalid);
    }

    [Fact]
    public void Missing_domain_key_is_an_error()
    {
        var state = Load.Files((Load.File, "spf: \"v=spf1 -all\"\n"));
        Load.At(state, $"{Load.File}:1:1", "the required key 'domain' is missing");
        Assert.Equal("example.com", Assert.Single(state.Invalid).Domain);
    }

    [Fact]
    public void File_name_must_match_domain()
    {
        var state = Load.Files(("domains/example.org.yaml", "domain: example.com\n"));
        Load.At(state, "domains/example.org.yaml:1:9", "domain 'example.com' does not match the file name 'example.org.yaml'");
        Assert.Equal("example.org", Assert.Single(state.Invalid).Domain);
    }

    [Theory]
    [InlineData("domains/example.com.yaml", "Example.COM.")]
    [InlineData("domains/example.com.yml", "example.com")]
    [InlineData("domains/xn--bcher-kva.example.yaml", "bücher.example")]
    public void Domain_names_are_normalised(string path, string written)
    {
        var state = Load.Files((path, $"domain: {written}\n"));
        Load.NoErrors(state);
        Assert.Equal(DnsName.Normalize(written), Assert.Single(state.Domains).Domain);
    }

    [Fact]
    public void A_domain_declared_twice_is_invalid_in_both_files()
    {
        var state = Load.Files(("domains/example.com.yaml", "domain: example.com\n"), ("domains/example.com.yml", "domain: example.com.\n"));
        Assert.Empty(state.Domains);
        Assert.Equal(2, state.Invalid.Count);
        Load.At(state, "domains/example.com.yaml:0:0", "declared in more than one file (domains/example.com.yaml, domains/example.com.yml)");
        Load.At(state, "domains/example.com.yml:0:0", "declared in more than one file");
    }

    [Fact]
    public void One_bad_file_does_not_stop_the_others_and_diagnostics_are_sorted()
    {
        var state = Load.Files(
            ("domains/b.example.yaml", "domain: b.example\nmx: 5\nspf: [ ]\n"),
            ("domains/a.example.yaml", "domain: a.example\nbogus: 1\n"),
            ("domains/c.example.yaml", "domain: c.example\n"));
        Assert.Equal(["c.example"], state.Domains.Select(d => d.Domain));
        Assert.Equal(["a.example", "b.example"], state.Invalid.Select(d => d.Domain));
        Assert.Equal(
            ["domains/a.example.yaml:2:1", "domains/b.example.yaml:2:5", "domains/b.example.yaml:3:6"],
            state.Diagnostics.Select(d => $"{d.File}:{d.Line}:{d.Column}"));
    }

    [Fact]
    public void Files_outside_domains_and_other_extensions_are_ignored()
    {
        var state = Load.Files(("domains/README.md", "# x"), ("domains/sub/x.example.yaml", "bad"), ("other/y.example.yaml", "bad"));
        Assert.Empty(state.Diagnostics);
        Assert.Empty(state.Domains);
        Assert.Empty(state.Invalid);
    }
}
