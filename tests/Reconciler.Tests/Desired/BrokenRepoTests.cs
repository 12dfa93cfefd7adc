using Reconciler.Desired;

namespace Reconciler.Tests.Desired;

/// <summary>A config repository with planted mistakes in several files, and one good file that must still load.</summary>
public class BrokenRepoTests
{
    private static readonly string Repo = Path.Combine(AppContext.BaseDirectory, "Desired", "Cases", "broken");

    public static TheoryData<string, string> Expected => new()
    {
        { "domains/alpha.example.yaml:5:9: error", "mta_sts mode is 'Enforce'; allowed: enforce, testing, none" },
        { "domains/alpha.example.yaml:6:12: error", "mta_sts max_age must be a whole number from 0 to 31557600, not 'abc'" },
        { "domains/alpha.example.yaml:7:7: error", "mta_sts id '2026-01-01' is not valid; allowed: 1 to 32 letters and digits" },
        { "domains/alpha.example.yaml:8:3: error", "unknown key 'mode2' in mta_sts; allowed: mode, max_age, mx, id" },
        { "domains/bravo.example.yaml:3:19: error", "mx preference is 70000; allowed: 0 to 65535" },
        { "domains/bravo.example.yaml:4:29: error", "mx host 'mx bravo.example' is not a valid host name" },
        { "domains/bravo.example.yaml:6:10: error", "tls_rpt rua 'ftp://reports.bravo.example/' is not valid" },
        { "domains/bravo.example.yaml:8:1: error", "duplicate key 'spf' (first at 7:1)" },
        { "domains/charlie.example.yaml:1:9: error", "domain 'charly.example' does not match the file name 'charlie.example.yaml'" },
        { "domains/charlie.example.yaml:3:7: error", "dkim selector 's1' must have exactly one of cname, key, absent: true; found cname, key" },
        { "domains/charlie.example.yaml:4:3: error", "dkim selector 'bad_sel' is not a valid DNS label" },
        { "domains/charlie.example.yaml:6:23: error", "dane records of 'mx.charlie.example' must be a list" },
        { "domains/charlie.example.yaml:8:6: error", "dmarc: p 'rejected'" },
        { "domains/charlie.example.yaml:9:3: error", "unknown key 'policy' in dmarc" },
        { "domains/charlie.example.yaml:10:6: error", "spf: bogus: unknown mechanism 'bogus'" },
        { "domains/delta.example.yml:2:5: error", "malformed YAML" },
        { "domains/echo.example.yaml:4:29: error", "mx host 'backup.mx.echo.example' is not covered by the mta_sts mx patterns (*.echo.example)" },
        { "domains/echo.example.yaml:8:27: error", "mta_sts mx pattern 'mx.*.echo.example' is not valid" },
        { "domains/echo.example.yaml:11:23: error", "dane record for 'mx1.echo.example'" },
        { "domains/foxtrot.example.yaml:5:23: error", "alias '*hosts' is not allowed" },
    };

    private static readonly Lazy<DesiredState> State = new(() => DesiredStateLoader.Load(Repo));

    [Theory]
    [MemberData(nameof(Expected))]
    public void Each_mistake_is_reported_at_its_place(string position, string fragment)
    {
        var lines = State.Value.Diagnostics.Select(d => d.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith(position + ": ", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_else_is_reported_and_the_order_is_by_file_line_column()
    {
        var positions = State.Value.Diagnostics.Select(d => $"{d.File}:{d.Line}:{d.Column}: error").ToList();
        Assert.Equal(Expected.Select(row => (string)row[0]), positions);
    }

    [Fact]
    public void The_good_domain_loads_and_the_broken_ones_are_invalid()
    {
        var state = State.Value;
        var good = Assert.Single(state.Domains);
        Assert.Equal("good.example", good.Domain);
        Assert.Equal(["mailto:tlsrpt@good.example"], good.TlsRpt!.Rua);
        Assert.Equal(
            ["alpha.example", "bravo.example", "charlie.example", "delta.example", "echo.example", "foxtrot.example"],
            state.Invalid.Select(i => i.Domain));
        Assert.Equal("domains/delta.example.yml", state.Invalid.Single(i => i.Domain == "delta.example").File);
        Assert.Equal("policies/{domain}/mta-sts.txt", state.Render.Policies);
    }
}
