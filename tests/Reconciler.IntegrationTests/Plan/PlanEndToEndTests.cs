using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Reconciler.Host;

namespace Reconciler.IntegrationTests.Plan;

public sealed class PlanWorldFixture : IAsyncLifetime
{
    public PlanWorld World { get; private set; } = null!;

    public async Task InitializeAsync() => World = await PlanWorld.CreateAsync(200);

    public async Task DisposeAsync() => await World.DisposeAsync();
}

/// <summary>
/// <c>reconciler plan --format json</c> against a real Knot and a real HTTPS policy host: every planted
/// drift is found with the right check, no clean domain is flagged, and the exit code follows.
/// </summary>
public sealed class PlanEndToEndTests(PlanWorldFixture fixture) : IClassFixture<PlanWorldFixture>
{
    [Fact]
    public void Plan_finds_every_planted_drift_and_flags_no_clean_domain()
    {
        var (exit, plan, stderr) = RunPlan(fixture.World, []);
        AssertPlan(fixture.World, plan, fixture.World.Domains);
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(PlanCommandTests.RepoRoot(), "schemas", "plan.schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var document = JsonDocument.Parse(plan.ToJsonString());
        Assert.True(schema.Evaluate(document.RootElement).IsValid, "the plan JSON does not follow schemas/plan.schema.json");
        Assert.True(exit == 2, $"exit {exit}; stderr: {stderr}");
    }

    [Fact]
    public void Plan_of_clean_domains_exits_zero()
    {
        var clean = fixture.World.Domains.Where(d => !fixture.World.Planted.ContainsKey(d)).Take(40).ToList();
        var (exit, plan, stderr) = RunPlan(fixture.World, clean.SelectMany(d => new[] { "--domain", d }));
        Assert.Equal(clean.Count, plan["summary"]!["inSync"]!.GetValue<int>());
        Assert.True(exit == 0, $"exit {exit}; stderr: {stderr}");
    }

    [Fact]
    public void Plan_with_the_dns_server_unreachable_concludes_nothing_and_exits_one()
    {
        using var silent = new Fixtures.SilentDnsServer();
        var args = fixture.World.ObserveArgs().ToList();
        args[args.IndexOf("--dns") + 1] = $"{silent.EndPoint.Address}:{silent.EndPoint.Port}";
        args[args.IndexOf("--timeout") + 1] = "0.5";
        var (exit, plan, _) = Run(["plan", "--format", "json", .. args, "--domain", fixture.World.Domains[1], "--domain", fixture.World.Domains[5]]);
        var kinds = plan["domains"]!.AsArray().SelectMany(d => d!["findings"]!.AsArray()).Select(f => (string)f!["kind"]!).Distinct().ToList();
        Assert.Equal(["unreachable"], kinds);
        Assert.All(plan["domains"]!.AsArray(), d => Assert.Equal("unknown", (string)d!["status"]!));
        Assert.Equal(1, exit);
    }

    internal static (int Exit, JsonNode Plan, string Stderr) RunPlan(PlanWorld world, IEnumerable<string> extra, int timeoutSeconds = 5) =>
        Run(["plan", "--format", "json", .. world.ObserveArgs(timeoutSeconds), .. extra]);

    internal static (int Exit, JsonNode Plan, string Stderr) Run(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Program.Run(args, output, error);
        var text = output.ToString();
        Assert.False(string.IsNullOrWhiteSpace(text), $"no output; exit {exit}; stderr: {error}");
        return (exit, JsonNode.Parse(text)!, error.ToString());
    }

    internal static void AssertPlan(PlanWorld world, JsonNode plan, IReadOnlyList<string> domains)
    {
        var byDomain = plan["domains"]!.AsArray().ToDictionary(d => (string)d!["domain"]!, d => d!);
        Assert.Equal(domains.Count, byDomain.Count);
        var problems = new List<string>();
        foreach (var domain in domains)
        {
            var entry = byDomain[domain];
            var status = (string)entry["status"]!;
            var findings = entry["findings"]!.AsArray().Select(f => $"{f!["check"]}/{f["kind"]}/{f["severity"]}: {f["message"]}").ToList();
            if (world.Planted.TryGetValue(domain, out var drift))
            {
                var expectedStatus = drift.MakesDrift ? "drift" : "in-sync";
                if (status != expectedStatus || !entry["findings"]!.AsArray().Any(f => (string)f!["check"]! == drift.Check))
                {
                    problems.Add($"{domain} ({drift.Name}): status {status}, expected {expectedStatus} with a {drift.Check} finding; got {string.Join(" | ", findings)}");
                }

                if (entry["findings"]!.AsArray().Any(f => (string)f!["kind"]! == "unreachable"))
                {
                    problems.Add($"{domain} ({drift.Name}): unreachable findings: {string.Join(" | ", findings)}");
                }
            }
            else if (status != "in-sync" || findings.Count > 0)
            {
                problems.Add($"{domain} (clean): status {status}; {string.Join(" | ", findings)}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>
/// Skipped unless <c>RECONCILER_SLOW_TESTS=1</c>: the same end-to-end check over 1,000 domains.
/// The test policy host makes a certificate per host name on first contact, so the timeout is generous.
/// </summary>
public sealed class SlowFactAttribute : FactAttribute
{
    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("RECONCILER_SLOW_TESTS") != "1")
        {
            Skip = "set RECONCILER_SLOW_TESTS=1 to run the 1,000-domain world";
        }
    }
}

[Trait("Category", "Slow")]
public sealed class PlanThousandDomainTests
{
    [SlowFact]
    public async Task Plan_over_a_thousand_domains_finds_every_planted_drift()
    {
        await using var world = await PlanWorld.CreateAsync(1000);
        var (exit, plan, stderr) = PlanEndToEndTests.RunPlan(world, [], timeoutSeconds: 30);
        PlanEndToEndTests.AssertPlan(world, plan, world.Domains);
        Assert.True(exit == 2, $"exit {exit}; stderr: {stderr}");
    }
}
