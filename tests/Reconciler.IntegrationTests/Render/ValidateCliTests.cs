namespace Reconciler.IntegrationTests.Render;

/// <summary><c>reconciler validate</c> and <c>render</c> through <c>Program</c>, as a user runs them.</summary>
public class ValidateCliTests
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "examples", "config");
    private static readonly string Broken = Path.Combine(AppContext.BaseDirectory, "Cases", "broken");

    [Fact]
    public void Validate_accepts_the_examples_and_prints_warnings()
    {
        var (exit, output, error) = Cli.Run("validate", "--repo", Examples);
        Assert.True(exit == 0, output + error);
        Assert.Contains("domains/exchangelabs.nl.yaml:18:8: warning: dmarc: 'pct'", output, StringComparison.Ordinal);
        Assert.Contains("4 valid domain(s), 0 invalid; 0 error(s), 1 warning(s)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_rejects_the_broken_repo_with_file_line_column()
    {
        var (exit, output, error) = Cli.Run("validate", "--repo", Broken);
        Assert.Equal(1, exit);
        Assert.Contains("domains/alpha.example.yaml:8:3: error: unknown key 'mode2' in mta_sts; allowed: mode, max_age, mx, id\n", output, StringComparison.Ordinal);
        Assert.Contains("1 valid domain(s), 6 invalid;", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate", "--bogus")]
    [InlineData("validate", "--repo", "/nonexistent/repo")]
    [InlineData("render", "--repo", "/nonexistent/repo")]
    public void Usage_errors_exit_1(params string[] args) => Assert.Equal(1, Cli.Run(args).Exit);

    [Theory]
    [InlineData("validate")]
    [InlineData("render")]
    public void Help_works(string command)
    {
        var (exit, output, _) = Cli.Run(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--repo", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_one_domain_to_stdout()
    {
        var (exit, output, error) = Cli.Run("render", "--repo", Examples, "--domain", "Kantoorpost.NL.");
        Assert.True(exit == 0, error);
        Assert.StartsWith("; kantoorpost.nl\nkantoorpost.nl.\t3600\tIN\tMX\t10 mx1.mailprovider.example.net.\n", output, StringComparison.Ordinal);
        Assert.Contains("_mta-sts.kantoorpost.nl.\t3600\tIN\tTXT\t\"v=STSv1; id=20261101T120000\"", output, StringComparison.Ordinal);
        Assert.Contains("; mode: testing\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("exchangelabs.nl.\t", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_of_an_unknown_or_invalid_domain_fails()
    {
        Assert.Equal(1, Cli.Run("render", "--repo", Examples, "--domain", "nope.example").Exit);
        var (exit, output, error) = Cli.Run("render", "--repo", Broken, "--domain", "alpha.example");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("alpha.example is invalid", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_repeated_domains_in_repository_order()
    {
        var (exit, output, error) = Cli.Run("render", "--repo", Examples, "--domain", "oud-merk.nl", "--domain", "kantoorpost.nl");
        Assert.True(exit == 0, error);
        var headers = output.Split('\n').Where(l => l.StartsWith("; ", StringComparison.Ordinal) && !l.Contains(':', StringComparison.Ordinal)).ToList();
        Assert.Equal(["; kantoorpost.nl", "; oud-merk.nl"], headers);
        Assert.Contains("_dmarc.oud-merk.nl.\t3600\tIN\tTXT\t\"v=DMARC1; p=reject; sp=reject; np=reject; adkim=s; rua=mailto:dmarcreports@exchange2019.nl\"", output, StringComparison.Ordinal);
    }
}
