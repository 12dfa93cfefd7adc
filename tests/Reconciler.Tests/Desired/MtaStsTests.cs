using Reconciler.Records;

namespace Reconciler.Tests.Desired;

public class MtaStsTests
{
    private const string TwoMx = """
        mx:
          - { preference: 10, host: mail.example.com }
          - { preference: 20, host: example-com.mail.protection.outlook.com }

        """;

    private static string Sts(string mode, string extra = "", string maxAge = "604800", string id = "\"20230624214700\"") =>
        $"mta_sts:\n  mode: {mode}\n  max_age: {maxAge}\n  id: {id}\n{extra}";

    [Fact]
    public void Patterns_default_to_the_mx_hosts()
    {
        var state = Load.Domain(TwoMx + Sts("enforce"));
        Load.NoErrors(state);
        var sts = Assert.Single(state.Domains).MtaSts!;
        Assert.Equal(MtaStsMode.Enforce, sts.Mode);
        Assert.Equal(604800, sts.MaxAge);
        Assert.Equal("20230624214700", sts.Id);
        Assert.False(sts.PatternsDeclared);
        Assert.Equal(["mail.example.com", "example-com.mail.protection.outlook.com"], sts.MxPatterns);
    }

    [Fact]
    public void Declared_patterns_are_normalised_and_must_cover_every_mx_host()
    {
        var state = Load.Domain(TwoMx + Sts("enforce", "  mx: [ Mail.Example.COM., \"*.mail.protection.outlook.com\" ]\n"));
        Load.NoErrors(state);
        var sts = Assert.Single(state.Domains).MtaSts!;
        Assert.True(sts.PatternsDeclared);
        Assert.Equal(["mail.example.com", "*.mail.protection.outlook.com"], sts.MxPatterns);
    }

    [Fact]
    public void An_uncovered_mx_host_is_an_error_in_enforce()
    {
        var state = Load.Domain(TwoMx + Sts("enforce", "  mx: [ mail.example.com ]\n"));
        Load.At(state, $"{Load.File}:4:29", "error: mx host 'example-com.mail.protection.outlook.com' is not covered by the mta_sts mx patterns (mail.example.com)");
        Assert.Single(state.Invalid);
    }

    [Fact]
    public void A_wildcard_covers_exactly_one_label()
    {
        var state = Load.Domain("mx:\n  - { preference: 10, host: a.b.example.net }\n" + Sts("enforce", "  mx: [ \"*.example.net\" ]\n"));
        Load.At(state, $"{Load.File}:3:29", "error: mx host 'a.b.example.net' is not covered");
    }

    [Fact]
    public void An_uncovered_mx_host_is_a_warning_in_testing_and_ignored_in_none()
    {
        var testing = Load.Domain(TwoMx + Sts("testing", "  mx: [ mail.example.com ]\n"));
        Load.NoErrors(testing);
        Load.Single(testing, Severity.Warning, "is not covered");
        Assert.Single(testing.Domains);

        var none = Load.Domain(TwoMx + Sts("none", "  mx: [ mail.example.com ]\n"));
        Assert.Empty(none.Diagnostics);
    }

    [Fact]
    public void Mode_none_without_any_mx_is_allowed()
    {
        var state = Load.Domain(Sts("none", maxAge: "86400"));
        Assert.Empty(state.Diagnostics);
        Assert.Empty(Assert.Single(state.Domains).MtaSts!.MxPatterns);
    }

    [Fact]
    public void Short_max_age_in_enforce_is_a_warning()
    {
        var state = Load.Domain(TwoMx + Sts("enforce", maxAge: "3600"));
        Load.NoErrors(state);
        Load.At(state, $"{Load.File}:7:12", "warning: mta_sts max_age is 3600 seconds in enforce mode");
        Assert.Empty(Load.Domain(TwoMx + Sts("testing", maxAge: "3600")).Diagnostics);
    }

    [Theory]
    [InlineData("20230624214700", "20230624214700", false)]
    [InlineData("\"0123\"", "0123", false)]
    [InlineData("0123", "0123", true)]
    [InlineData("abcDEF123", "abcDEF123", false)]
    public void Id_is_taken_as_written(string written, string expected, bool warns)
    {
        var state = Load.Domain(TwoMx + Sts("enforce", id: written));
        Load.NoErrors(state);
        Assert.Equal(expected, Assert.Single(state.Domains).MtaSts!.Id);
        Assert.Equal(warns, state.Diagnostics.Any(d => d.Message.Contains("drop the leading zero", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"123456789012345678901234567890123\"")]
    [InlineData("\"2023-06-24\"")]
    public void Invalid_ids_are_errors(string written) =>
        Load.Single(Load.Domain(TwoMx + Sts("enforce", id: written)), Severity.Error, "letters and digits");

    [Fact]
    public void Mx_hosts_must_be_unique()
    {
        var state = Load.Domain("mx:\n  - { preference: 10, host: mail.example.com }\n  - { preference: 20, host: MAIL.example.com. }\n");
        Load.At(state, $"{Load.File}:4:29", "mx host 'mail.example.com' is listed twice (first at 3:29)");
    }

    [Fact]
    public void Idn_mx_hosts_become_a_labels()
    {
        var state = Load.Domain("mx:\n  - { preference: 10, host: posta.bücher.example }\n");
        Load.NoErrors(state);
        Assert.Equal("posta.xn--bcher-kva.example", Assert.Single(Assert.Single(state.Domains).Mx!).Host);
    }
}
