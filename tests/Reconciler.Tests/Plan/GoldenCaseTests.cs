using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Plan.Output;

namespace Reconciler.Tests.Plan;

/// <summary>
/// Golden cases: <c>Cases/&lt;case&gt;/{desired.yaml, live.json, expected-plan.json}</c>. Each case is planned
/// at a fixed time (2026-11-28T20:42:00Z) and compared semantically with its expectation.
/// <c>UPDATE_GOLDEN=1</c> rewrites the expectations (review every rewritten file before committing).
/// </summary>
public sealed class GoldenCaseTests
{
    private static readonly string[] Kinds = ["missing", "mismatch", "invalid", "unexpected", "unreachable"];
    private static readonly string[] Severities = ["critical", "error", "warning"];

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 20, 42, 0, TimeSpan.Zero);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(CasesDir()).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_produces_the_expected_plan(string name)
    {
        var dir = Path.Combine(CasesDir(), name);
        var actual = JsonNode.Parse(PlanJson.Serialize(PlanCase(dir)))!;
        var expectedPath = Path.Combine(dir, "expected-plan.json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = PlanJson.WriterOptions.Encoder }) + "\n");
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run with UPDATE_GOLDEN=1 and review it");
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath))!;
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"case {name} differs.\nexpected:\n{expected.ToJsonString(LiveJson.Options)}\nactual:\n{actual.ToJsonString(LiveJson.Options)}");
    }

    [Fact]
    public void Every_expected_plan_is_valid_against_the_plan_schema()
    {
        var schema = PlanSchema();
        foreach (var dir in Directory.GetDirectories(CasesDir()))
        {
            var domain = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "expected-plan.json")))!;
            var document = new JsonObject
            {
                ["version"] = 1,
                ["domains"] = new JsonArray(domain),
                ["summary"] = new JsonObject { ["domains"] = 1, ["inSync"] = 0, ["drift"] = 1, ["unknown"] = 0, ["invalid"] = 0 },
            };
            using var json = JsonDocument.Parse(document.ToJsonString());
            var result = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{Path.GetFileName(dir)}: {Describe(result)}");
        }
    }

    [Fact]
    public void The_cases_cover_every_check_and_kind()
    {
        var findings = Directory.GetDirectories(CasesDir())
            .SelectMany(d => JsonNode.Parse(File.ReadAllText(Path.Combine(d, "expected-plan.json")))!["findings"]!.AsArray())
            .Select(f => (Check: (string)f!["check"]!, Kind: (string)f["kind"]!, Severity: (string)f["severity"]!))
            .ToList();
        Assert.True(Directory.GetDirectories(CasesDir()).Length >= 40, "at least forty golden cases");
        Assert.All(Checks.All, c => Assert.Contains(findings, f => f.Check == c));
        Assert.All(Kinds, k => Assert.Contains(findings, f => f.Kind == k));
        Assert.All(Severities, s => Assert.Contains(findings, f => f.Severity == s));
    }

    internal static DomainPlan PlanCase(string dir)
    {
        var (spec, live) = LoadCase(dir);
        return Planner.Plan(spec, live, new FakeTimeProvider(Now));
    }

    /// <summary>A case's declared domain and recorded observation; <paramref name="dir"/> is a case name or its folder.</summary>
    internal static (DomainSpec Spec, LiveDomain Live) LoadCase(string dir)
    {
        dir = Path.Combine(CasesDir(), dir);
        var live = LiveJson.Read(File.ReadAllText(Path.Combine(dir, "live.json")))
            ?? throw new InvalidOperationException($"{dir}/live.json is empty");
        return (LoadSpec(Path.Combine(dir, "desired.yaml")), live);
    }

    /// <summary>Loads a case's domain file with the real loader, as <c>domains/&lt;domain&gt;.yaml</c> of a one-file repository.</summary>
    internal static DomainSpec LoadSpec(string path)
    {
        var content = File.ReadAllBytes(path);
        var domain = File.ReadLines(path).Select(l => l.Trim()).First(l => l.StartsWith("domain:", StringComparison.Ordinal))["domain:".Length..].Trim();
        var state = DesiredStateLoader.Load([new DesiredFile($"domains/{domain}.yaml", content)]);
        Assert.True(state.Domains.Count == 1, $"{path}: {string.Join("; ", state.Diagnostics)}");
        return state.Domains[0];
    }

    /// <summary>schemas/plan.schema.json, built in its own registry (its $id may be loaded by other tests too).</summary>
    internal static JsonSchema PlanSchema() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoRoot(), "schemas", "plan.schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    internal static string CasesDir() => Path.Combine(SourceDir(), "Cases");

    internal static string RepoRoot() => Path.GetFullPath(Path.Combine(SourceDir(), "..", "..", ".."));

    private static string SourceDir([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
