using System.Diagnostics;
using System.Net;
using System.Text;
using Reconciler.Desired;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.IntegrationTests.GitHub;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Report.GitHub;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>
/// Faults that cross stages: a whole <see cref="ReconcileCycle"/> (config repo, Knot, policy hosts) and
/// the <see cref="GitHubReporter"/> against the fake GitHub, twice: once healthy, once under the fault.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class CycleFaultTests(FaultWorld world) : IAsyncLifetime
{
    private FakeGitHubServer gh = null!;

    public async Task InitializeAsync() => gh = await FakeGitHubServer.StartAsync();

    public async Task DisposeAsync() => await gh.DisposeAsync();

    private static Dictionary<string, string> TwoDomains() => new()
    {
        ["domains/drift.faults.test.yaml"] = FaultWorld.MxYaml("drift.faults.test", "mx1.drift.faults.test"),
        ["domains/clean.faults.test.yaml"] = FaultWorld.MxYaml("clean.faults.test", "mx.clean.faults.test"),
    };

    private async Task<(CycleResult Cycle, ReportResult Report)> RunAsync(ConfigRepo repo, IPEndPoint? dns = null)
    {
        var desired = DesiredStateLoader.Load(repo.Path);
        using var observer = new LiveObserver(world.Options(dns));
        var cycle = await new ReconcileCycle(observer, TimeProvider.System).RunAsync(desired, null, CancellationToken.None);
        var declared = desired.Domains.Select(d => d.Domain).Concat(desired.Invalid.Select(i => i.Domain)).ToList();
        var input = new ReportInput(cycle.Plan, desired.Invalid, "main", repo.Head, desired.Render, declared);
        var report = await GitHubTestKit.Reporter(gh).ReportAsync(input, false, CancellationToken.None);
        return (cycle, report);
    }

    private static string Snapshot(FakeGitHubServer server) => string.Join('\n', server.Issues()
        .Select(i => $"#{i.Number} {i.State} {i.Title} [{string.Join(',', i.Labels)}] {server.CommentsOf(i.Number).Count} comments\n{i.Body}"));

    [Theory]
    [InlineData("knot-stopped")]
    [InlineData("refused")]
    [InlineData("servfail")]
    [InlineData("silent")]
    [InlineData("nothing-on-the-port")]
    public async Task A_dns_fault_during_a_full_cycle_closes_no_issue_and_opens_no_false_one(string fault)
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        var (healthy, _) = await RunAsync(repo);
        Assert.Equal([DomainStatus.Drift, DomainStatus.InSync], healthy.Plan.Domains.OrderBy(d => d.Domain, StringComparer.Ordinal).Select(d => d.Status).Reverse());
        Assert.Single(gh.OpenIssues());
        var before = Snapshot(gh);

        using var silent = new SilentDnsServer();
        using var refused = new RcodeDnsServer(5);
        using var servfail = new RcodeDnsServer(2);
        var dns = fault switch
        {
            "refused" => refused.EndPoint,
            "servfail" => servfail.EndPoint,
            "silent" => silent.EndPoint,
            "nothing-on-the-port" => new IPEndPoint(IPAddress.Loopback, FreePort.Find(IPAddress.Loopback)),
            _ => world.Dns.EndPoint,
        };
        if (fault == "knot-stopped")
        {
            await world.Dns.StopAsync();
        }

        (CycleResult Cycle, ReportResult Report) faulty;
        try
        {
            faulty = await RunAsync(repo, dns);
        }
        finally
        {
            if (!world.Dns.IsRunning)
            {
                await world.Dns.StartAsync();
            }
        }

        Assert.All(faulty.Cycle.Plan.Domains, d => Assert.Equal(DomainStatus.Unknown, d.Status));
        Assert.All(faulty.Cycle.Plan.Domains.SelectMany(d => d.Findings), f => Assert.Equal(FindingKind.Unreachable, f.Kind));
        Assert.Equal(1, faulty.Cycle.ExitCode);
        Assert.Empty(faulty.Report.Errors);
        var write = Assert.Single(faulty.Report.Writes);
        Assert.Equal("set-status", write.Verb);
        Assert.StartsWith("error: 2 of 2 domains could not be checked", write.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(gh));
    }

    [Fact]
    public async Task A_commit_that_makes_every_domain_file_invalid_closes_nothing_and_declares_nothing_removed()
    {
        using var repo = FaultWorld.Repo(TwoDomains());
        await RunAsync(repo);
        var issue = Assert.Single(gh.OpenIssues());

        repo.Write(new Dictionary<string, string>
        {
            ["domains/drift.faults.test.yaml"] = "domain: drift.faults.test\nmx: [ { preference: 10, host: mx1.drift.faults.test }\n",
            ["domains/clean.faults.test.yaml"] = "domain: clean.faults.test\ndomain: clean.faults.test\nmx: []\n",
        });
        repo.Commit("break everything");
        var (cycle, report) = await RunAsync(repo);

        Assert.All(cycle.Plan.Domains, d => Assert.Equal(DomainStatus.Invalid, d.Status));
        Assert.Equal(["clean.faults.test", "drift.faults.test"], cycle.Plan.Domains.Select(d => d.Domain).Order(StringComparer.Ordinal));
        Assert.Equal(1, cycle.ExitCode);
        Assert.DoesNotContain(report.Actions, a => a.Verb is "close-issue" or "create-issue" or "close-pr");
        Assert.Equal("open", gh.Issues().Single(i => i.Number == issue.Number).State);
        Assert.Single(gh.OpenIssues());
    }

    [Fact]
    public async Task Injection_planted_in_dns_and_a_policy_travels_to_the_issue_and_renders_inert()
    {
        using var repo = FaultWorld.Repo(new Dictionary<string, string>
        {
            ["domains/inject.faults.test.yaml"] = FaultWorld.DkimYaml("inject.faults.test")
                + "mta_sts:\n  mode: enforce\n  max_age: 604800\n  mx: [ mx.clean.faults.test ]\n  id: \"20260101000000\"\n",
        });

        var (cycle, report) = await RunAsync(repo);

        Assert.Empty(report.Errors);
        var plan = Assert.Single(cycle.Plan.Domains);
        Assert.Equal(DomainStatus.Drift, plan.Status);
        Assert.Contains(plan.Findings, f => f.Actual?.Contains("@octocat <img", StringComparison.Ordinal) == true);
        var body = Assert.Single(gh.Issues()).Body;
        Assert.Contains("octocat", body, StringComparison.Ordinal);
        var (prose, _) = MarkdownShape.Split(body);
        Assert.DoesNotContain("@octocat", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("](javascript", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--", prose.Split('\n', 2)[1], StringComparison.Ordinal);
        Assert.DoesNotContain(body, c => c == '\u0007' || c == '\u001b');
        Assert.DoesNotContain(new string('L', 2000), body, StringComparison.Ordinal);
        Assert.True(body.Length < 65536, $"issue body of {body.Length} characters exceeds GitHub's limit");
        foreach (var row in body.Split('\n').Where(l => l.StartsWith('|') && l.Contains("octocat", StringComparison.Ordinal)))
        {
            Assert.Equal(7, row.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
        }
    }

    [Fact]
    public async Task A_10_MB_file_an_alias_bomb_and_non_utf8_fail_fast_and_clearly_while_the_other_domains_plan()
    {
        var files = TwoDomains();
        files["domains/bomb.faults.test.yaml"] = "domain: bomb.faults.test\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            + "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
        files["domains/large.faults.test.yaml"] = "domain: large.faults.test\n" + string.Concat(Enumerable.Repeat("# padding padding padding padding padding padding padding padding\n", 160_000));
        using var repo = FaultWorld.Repo(files);
        repo.WriteBytes("domains/latin1.faults.test.yaml", [.. Encoding.ASCII.GetBytes("domain: latin1.faults.test\nspf: \"v=spf1 -all caf"), 0xE9, .. Encoding.ASCII.GetBytes("\"\n")]);
        Assert.True(new FileInfo(Path.Combine(repo.Path, "domains/large.faults.test.yaml")).Length > 10_000_000);

        var clock = Stopwatch.StartNew();
        var desired = DesiredStateLoader.Load(repo.Path);
        var loaded = clock.Elapsed;
        using var observer = new LiveObserver(world.Options());
        var cycle = await new ReconcileCycle(observer, TimeProvider.System).RunAsync(desired, null, CancellationToken.None);

        Assert.True(loaded < TimeSpan.FromSeconds(5), $"loading took {loaded}");
        var status = cycle.Plan.Domains.ToDictionary(d => d.Domain, d => d.Status);
        Assert.Equal(DomainStatus.Drift, status["drift.faults.test"]);
        Assert.Equal(DomainStatus.InSync, status["clean.faults.test"]);
        var errors = desired.Diagnostics.Where(d => d.Severity >= Records.Severity.Error).Select(d => d.ToString()).ToList();
        foreach (var name in new[] { "bomb", "large", "latin1" })
        {
            Assert.Contains(errors, e => e.StartsWith($"domains/{name}.faults.test.yaml:", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(cycle.Plan.Domains, d => d.Domain.StartsWith("bomb", StringComparison.Ordinal) && d.Status != DomainStatus.Invalid);
        Assert.Equal(1, cycle.ExitCode);
    }
}
