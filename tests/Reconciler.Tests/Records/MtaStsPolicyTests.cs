using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class MtaStsPolicyTests
{
    private const string Valid = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.Example.NET\nmax_age: 604800\n";

    [Fact]
    public void Parses_a_valid_policy()
    {
        var r = MtaStsPolicy.Parse(Valid);
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Empty(r.Problems);
        Assert.Equal(MtaStsMode.Enforce, r.Value!.Mode);
        Assert.Equal(604800, r.Value.MaxAge);
        Assert.Equal(["mail.example.com", "*.example.net"], r.Value.Mx);
    }

    [Fact]
    public void Crlf_and_lf_give_the_same_policy()
    {
        var lf = MtaStsPolicy.Parse(Valid).Value!;
        var crlf = MtaStsPolicy.Parse(Valid.Replace("\n", "\r\n", StringComparison.Ordinal)).Value!;
        Assert.True(lf.SemanticEquals(crlf));
        Assert.Equal(lf.Mx, crlf.Mx);
    }

    [Fact]
    public void Last_line_without_terminator_and_trailing_whitespace_are_fine()
    {
        var r = MtaStsPolicy.Parse("version: STSv1\r\nmode:testing  \r\nmx: a.example.com\t\r\nmax_age: 86400");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(MtaStsMode.Testing, r.Value!.Mode);
        Assert.Equal(86400, r.Value.MaxAge);
    }

    [Fact]
    public void Mode_none_needs_no_mx()
    {
        var r = MtaStsPolicy.Parse("version: STSv1\nmode: none\nmax_age: 0\n");
        Assert.True(r.Ok);
        Assert.Empty(r.Value!.Mx);
        Assert.Equal(0, r.Value.MaxAge);
    }

    [Fact]
    public void Unknown_keys_are_ignored()
    {
        var r = MtaStsPolicy.Parse("version: STSv1\nmode: none\nfoo_bar.x: whatever: 1\nmax_age: 10\n");
        Assert.True(r.Ok);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void First_of_duplicate_keys_wins_with_a_warning()
    {
        var r = MtaStsPolicy.Parse("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example.com\nmax_age: 5\nmax_age: 6\n");
        Assert.True(r.Ok);
        Assert.Equal(MtaStsMode.Testing, r.Value!.Mode);
        Assert.Equal(5, r.Value.MaxAge);
        Assert.Equal(2, r.Problems.Count(p => p.Severity == Severity.Warning));
    }

    [Theory]
    [InlineData("mode: enforce\nmx: a.example.com\nmax_age: 1\n", "version")]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.example.com\nmax_age: 1\n", "STSv2")]
    [InlineData("version: STSv1\nmode: Enforce\nmx: a.example.com\nmax_age: 1\n", "Enforce")]
    [InlineData("version: STSv1\nmode: strict\nmx: a.example.com\nmax_age: 1\n", "strict")]
    [InlineData("version: STSv1\nmx: a.example.com\nmax_age: 1\n", "'mode'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example.com\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 31557601\n", "31557600")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: -1\n", "digits")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 1e5\n", "digits")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 12345678901\n", "digits")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 1\n", "'mx'")]
    [InlineData("version: STSv1\nmode: testing\nmax_age: 1\n", "'mx'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 1\n", "IP address")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.*.example.com\nmax_age: 1\n", "'*'")]
    [InlineData("version: STSv1\nmode: enforce\nnot a field\nmx: a.example.com\nmax_age: 1\n", "key: value")]
    [InlineData("version: STSv1\rmode: enforce\nmx: a.example.com\nmax_age: 1\n", "CR")]
    [InlineData("", "empty")]
    public void Rejects_invalid_policies_naming_section_3_2(string body, string mention)
    {
        var r = MtaStsPolicy.Parse(body);
        Assert.False(r.Ok);
        Assert.Null(r.Value);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule == "RFC 8461 §3.2" &&
            p.Message.Contains(mention, StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_every_problem()
    {
        var r = MtaStsPolicy.Parse("version: STSv9\nmode: bogus\nmx: 10.0.0.1\nmax_age: x\n");
        Assert.Equal(4, r.Problems.Count(p => p.Severity == Severity.Error));
    }

    [Fact]
    public void Accepts_max_age_bounds()
    {
        Assert.True(MtaStsPolicy.Parse("version: STSv1\nmode: none\nmax_age: 31557600\n").Ok);
        Assert.Equal(31557600, MtaStsPolicy.MaxMaxAge);
    }

    [Fact]
    public void Renders_the_canonical_crlf_form()
    {
        var p = new MtaStsPolicy(MtaStsMode.Enforce, 604800, ["a", "b"]);
        Assert.Equal("version: STSv1\r\nmode: enforce\r\nmx: a\r\nmx: b\r\nmax_age: 604800\r\n", p.Render());
        Assert.Equal("version: STSv1\r\nmode: none\r\nmax_age: 0\r\n", new MtaStsPolicy(MtaStsMode.None, 0, []).Render());
    }

    [Fact]
    public void SemanticEquals_compares_mx_as_a_case_insensitive_set_ignoring_trailing_dots()
    {
        var a = new MtaStsPolicy(MtaStsMode.Enforce, 86400, ["a.example.com", "*.b.example.com"]);
        Assert.True(a.SemanticEquals(new MtaStsPolicy(MtaStsMode.Enforce, 86400, ["*.B.example.com.", "A.example.com"])));
        Assert.True(a.SemanticEquals(new MtaStsPolicy(MtaStsMode.Enforce, 86400, ["a.example.com", "*.b.example.com", "a.example.com"])));
        Assert.False(a.SemanticEquals(a with { Mode = MtaStsMode.Testing }));
        Assert.False(a.SemanticEquals(a with { MaxAge = 86401 }));
        Assert.False(a.SemanticEquals(a with { Mx = ["a.example.com"] }));
        Assert.False(a.SemanticEquals(a with { Mx = ["a.example.com", "b.example.com"] }));
    }

    [Fact]
    public void SemanticEquals_ignores_mx_patterns_when_both_policies_are_in_mode_none()
    {
        var declared = new MtaStsPolicy(MtaStsMode.None, 86400, ["mx1.example.com"]);
        Assert.True(declared.SemanticEquals(new MtaStsPolicy(MtaStsMode.None, 86400, [])));
        Assert.False(declared.SemanticEquals(new MtaStsPolicy(MtaStsMode.None, 3600, [])));
        Assert.False(declared.SemanticEquals(new MtaStsPolicy(MtaStsMode.Testing, 86400, [])));
    }
}
