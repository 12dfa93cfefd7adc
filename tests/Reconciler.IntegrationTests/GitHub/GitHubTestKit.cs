using Reconciler.Desired;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.Plan;
using Reconciler.Records;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.GitHub;

/// <summary>One fake GitHub per test class.</summary>
public sealed class FakeGitHubFixture : IAsyncLifetime
{
    public FakeGitHubServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeGitHubServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Hand-made plans and a port pointed at the fake.</summary>
internal static class GitHubTestKit
{
    public const string ConfigBranch = "main";

    public static GitHubOptions Options(FakeGitHubServer server, string token = "test-token") =>
        new(server.BaseUrl, FakeGitHubServer.Owner, FakeGitHubServer.Repo, token)
        {
            BaseDelay = TimeSpan.FromMilliseconds(20),
            MaxWait = TimeSpan.FromSeconds(5),
            CallTimeout = TimeSpan.FromSeconds(20),
            PageSize = 2,
        };

    public static OctokitGitHubPort Port(FakeGitHubServer server, string token = "test-token") =>
        new(Options(server, token), TimeProvider.System);

    public static GitHubReporter Reporter(FakeGitHubServer server) => new(Port(server));

    public static Finding Mismatch(string domain, string check = Checks.Dmarc, string expected = "v=DMARC1; p=reject", string actual = "v=DMARC1; p=none") =>
        new(check, FindingKind.Mismatch, Severity.Error, $"_dmarc.{domain}", expected, actual, $"{check} differs");

    public static DomainPlan Drift(string domain, params Finding[] findings) =>
        new(domain, DomainStatus.Drift, findings.Length > 0 ? findings : [Mismatch(domain)], null,
            [$"1. Set the DMARC record:\n_dmarc.{domain}. TXT \"v=DMARC1; p=reject\""]);

    public static DomainPlan InSync(string domain) => new(domain, DomainStatus.InSync, [], null, []);

    public static DomainPlan Unknown(string domain) =>
        new(domain, DomainStatus.Unknown, [new Finding(Checks.Mx, FindingKind.Unreachable, Severity.Error, domain, null, null, "SERVFAIL")], null, []);

    public static ReportInput Input(string sha, params DomainPlan[] plans) =>
        new(ReconcilePlan.Of(plans), [], ConfigBranch, sha, new RenderSettings(null), plans.Select(p => p.Domain).ToList());

    public static ReportInput With(this ReportInput input, IReadOnlyList<InvalidDomain>? invalid = null, IReadOnlyCollection<string>? declared = null, string? policies = null) =>
        input with
        {
            Invalid = invalid ?? input.Invalid,
            DeclaredDomains = declared ?? input.DeclaredDomains,
            Render = policies is null ? input.Render : new RenderSettings(policies),
        };

    public static string SeedConfig(FakeGitHubServer server, params string[] domains) =>
        server.SeedBranch(ConfigBranch, domains.ToDictionary(d => $"domains/{d}.yaml", DomainYaml));

    public static string DomainYaml(string domain) =>
        $"# {domain}: managed by the mail team\ndomain: {domain}\nmta_sts:\n  mode: enforce   # enforce after a month of testing\n  max_age: 604800\n  id: \"20230624214700\"  # bumped by PRs\ndmarc:\n  p: reject\n";

    public static int OpenIssuesFor(FakeGitHubServer server, string domain) => server.OpenIssues(DriftMarker.Title(domain)).Count;
}
