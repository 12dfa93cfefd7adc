using Reconciler.Desired;
using Reconciler.Plan;
using Reconciler.Records;
using Reconciler.Report.GitHub;

namespace Reconciler.Tests.Report;

public sealed class GitHubReportRulesTests
{
    private static readonly Finding A = new(Checks.Spf, FindingKind.Mismatch, Severity.Error, "example.com", "v=spf1 -all", "v=spf1 ~all", "soft fail");
    private static readonly Finding B = new(Checks.Mx, FindingKind.Missing, Severity.Critical, "example.com", "10 mx.example.com.", null, "missing");

    [Fact]
    public void Fingerprint_ignores_order_and_messages_but_not_values()
    {
        var fp = DriftMarker.Fingerprint([A, B]);

        Assert.Matches("^[0-9a-f]{16}$", fp);
        Assert.Equal(fp, DriftMarker.Fingerprint([B, A with { Message = "other words" }]));
        Assert.NotEqual(fp, DriftMarker.Fingerprint([A with { Actual = "v=spf1 +all" }, B]));
        Assert.NotEqual(fp, DriftMarker.Fingerprint([A with { Severity = Severity.Critical }, B]));
        Assert.NotEqual(DriftMarker.Fingerprint([A with { Actual = null }]), DriftMarker.Fingerprint([A with { Actual = "" }]));
    }

    [Fact]
    public void Marker_round_trips_and_rejects_other_text()
    {
        var line = DriftMarker.Line("example.com", "0123456789abcdef");

        Assert.Equal("<!-- reconciler:drift example.com fp=0123456789abcdef -->", line);
        Assert.Equal(("example.com", "0123456789abcdef"), DriftMarker.Parse(line + "\nbody"));
        Assert.Null(DriftMarker.Parse("text\n" + line));
        Assert.Null(DriftMarker.Parse(null));
    }

    [Theory]
    [InlineData(12, 0, 0, 0, "success", "12 domains in sync")]
    [InlineData(10, 2, 0, 0, "failure", "2 of 12 domains drift")]
    [InlineData(10, 1, 1, 0, "error", "1 of 12 domains could not be checked")]
    [InlineData(11, 0, 0, 1, "error", "1 of 12 domains could not be checked")]
    [InlineData(1, 0, 0, 0, "success", "1 domain in sync")]
    public void Commit_status_summarises_the_plan(int inSync, int drift, int unknown, int invalidFiles, string state, string description)
    {
        var plans = Enumerable.Range(0, inSync).Select(i => new DomainPlan($"s{i}.example", DomainStatus.InSync, [], null, []))
            .Concat(Enumerable.Range(0, drift).Select(i => new DomainPlan($"d{i}.example", DomainStatus.Drift, [A], null, [])))
            .Concat(Enumerable.Range(0, unknown).Select(i => new DomainPlan($"u{i}.example", DomainStatus.Unknown, [], null, [])));
        var invalid = Enumerable.Range(0, invalidFiles).Select(i => new InvalidDomain($"i{i}.example", $"domains/i{i}.example.yaml")).ToList();
        var input = new ReportInput(ReconcilePlan.Of(plans), invalid, "main", "abc", new RenderSettings(null), []);

        var status = StatusReporter.Compute(input);

        Assert.Equal(("reconciler/mail-auth", state, description), (status.Context, status.State, status.Description));
    }

    [Theory]
    [InlineData(null, "20261128210000")]
    [InlineData("20261128200000", "20261128200000")]
    [InlineData("20230624214700", "20261128210000")]
    [InlineData("20200101000000", "20261128210000")]
    [InlineData("bad id!", "20261128210000")]
    public void Effective_id_keeps_a_still_valid_id_already_on_the_branch(string? onBranch, string expected)
    {
        var ids = new MtaStsIds("20230624214700", "20230624214700", "20261128210000");

        Assert.Equal(expected, IdBumpReporter.EffectiveId(ids, onBranch));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef01234567", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("files-0123456789abcdef", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456g", false)]
    public void Only_a_full_commit_sha_gets_a_commit_status(string revision, bool sha) =>
        Assert.Equal(sha, StatusReporter.IsCommitSha(revision));
}
