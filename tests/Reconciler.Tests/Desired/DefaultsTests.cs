using Reconciler.Records;

namespace Reconciler.Tests.Desired;

public class DefaultsTests
{
    private const string Config = """
        defaults:
          tls_rpt:
            rua: [ "mailto:tlsrpt@example.net" ]
          mta_sts:
            mode: enforce
            max_age: 604800
        render:
          policies: "policies/{domain}/mta-sts.txt"
        """;

    [Fact]
    public void Sections_are_merged_under_each_domain_with_the_domain_winning()
    {
        var state = Load.Files(("reconciler.yaml", Config),
            (Load.File, "domain: example.com\nmx:\n  - { preference: 10, host: mail.example.com }\nmta_sts:\n  mode: testing\n  id: \"1\"\n"));
        Load.NoErrors(state);
        var spec = Assert.Single(state.Domains);
        Assert.Equal(["mailto:tlsrpt@example.net"], spec.TlsRpt!.Rua);
        Assert.Equal(MtaStsMode.Testing, spec.MtaSts!.Mode);
        Assert.Equal(604800, spec.MtaSts.MaxAge);
        Assert.Equal("policies/{domain}/mta-sts.txt", state.Render.Policies);
    }

    [Fact]
    public void A_declared_section_replaces_the_default_whole()
    {
        var state = Load.Files(("reconciler.yaml", Config),
            (Load.File, "domain: example.com\nmx:\n  - { preference: 10, host: mail.example.com }\nmta_sts: { mode: none, max_age: 1, id: \"1\" }\ntls_rpt:\n  rua: [ \"mailto:own@example.com\" ]\n"));
        Load.NoErrors(state);
        Assert.Equal(["mailto:own@example.com"], Assert.Single(state.Domains).TlsRpt!.Rua);
    }

    [Fact]
    public void A_missing_key_after_merging_points_at_the_default_and_names_the_domain()
    {
        var state = Load.Files(("reconciler.yaml", Config), (Load.File, "domain: example.com\nmx:\n  - { preference: 10, host: mail.example.com }\n"));
        Load.At(state, "reconciler.yaml:5:5", "mta_sts is missing the required key 'id' (default applied to example.com)");
        Assert.Single(state.Invalid);
    }

    [Fact]
    public void Errors_in_defaults_are_reported_once_and_make_every_domain_invalid()
    {
        var state = Load.Files(("reconciler.yaml", "defaults:\n  tls_rpt:\n    rua: [ \"ftp://x\" ]\n  domain: x\n"),
            ("domains/a.example.yaml", "domain: a.example\n"), ("domains/b.example.yaml", "domain: b.example\n"));
        Assert.Equal(2, state.Diagnostics.Count);
        Load.At(state, "reconciler.yaml:3:12", "tls_rpt rua 'ftp://x' is not valid");
        Load.At(state, "reconciler.yaml:4:3", "unknown key 'domain' in defaults");
        Assert.Empty(state.Domains);
        Assert.Equal(2, state.Invalid.Count);
    }

    [Theory]
    [InlineData("render:\n  policies: \"policies/mta-sts.txt\"\n", "2:13", "must contain '{domain}'")]
    [InlineData("render:\n  policies: \"../{domain}.txt\"\n", "2:13", "without '..'")]
    [InlineData("render:\n  out: x\n", "2:3", "unknown key 'out' in render; allowed: policies")]
    [InlineData("defaults: []\n", "1:11", "defaults must be a map")]
    [InlineData("- x\n", "1:1", "reconciler.yaml must be a map")]
    public void Bad_settings_are_errors(string config, string position, string fragment)
    {
        var state = Load.Files(("reconciler.yaml", config), (Load.File, "domain: example.com\n"));
        Load.At(state, $"reconciler.yaml:{position}", fragment);
        Assert.Single(state.Invalid);
    }
}
