using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Plan.Output;
using Reconciler.Records;

namespace Reconciler.Tests.Plan;

public sealed class PlanOutputTests
{
    private static ReconcilePlan Sample()
    {
        var drift = new DomainPlan("example.com", DomainStatus.Drift,
            [new Finding(Checks.MtaStsPolicy, FindingKind.Mismatch, Severity.Error, "https://mta-sts.example.com/.well-known/mta-sts.txt",
                "mode: enforce", "mode: testing", "published policy is in testing mode, declared enforce")],
            new MtaStsIds("20230624214700", "20230624214700", "20261128204200", "version: STSv1\r\n", "x"),
            ["1. Publish this policy at ...", "2. Then set _mta-sts.example.com TXT ..."]);
        var clean = new DomainPlan("a.example", DomainStatus.InSync, [], null, []);
        var invalid = Planner.Invalid(new Reconciler.Desired.InvalidDomain("z.example", "domains/z.example.yaml"));
        return ReconcilePlan.Of([drift, clean, invalid]);
    }

    [Fact]
    public async Task Json_follows_the_contract_shape()
    {
        using var stream = new MemoryStream();
        await PlanJson.WriteAsync(stream, Sample(), CancellationToken.None);
        var json = JsonNode.Parse(stream.ToArray())!;
        Assert.Equal(1, (int)json["version"]!);
        var domains = json["domains"]!.AsArray();
        Assert.Equal(["a.example", "example.com", "z.example"], domains.Select(d => (string)d!["domain"]!));
        Assert.Equal("in-sync", (string)domains[0]!["status"]!);
        var finding = domains[1]!["findings"]![0]!;
        Assert.Equal("mta-sts-policy", (string)finding["check"]!);
        Assert.Equal("mismatch", (string)finding["kind"]!);
        Assert.Equal("error", (string)finding["severity"]!);
        var ids = domains[1]!["mtaSts"]!.AsObject();
        Assert.Equal(["declaredId", "liveId", "proposedId"], ids.Select(p => p.Key));
        Assert.Equal(JsonValueKind.Null, domains[0]!["mtaSts"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.Equal("invalid", (string)domains[2]!["status"]!);
        Assert.Equal("""{"domains":3,"inSync":1,"drift":1,"unknown":0,"invalid":1}""", json["summary"]!.ToJsonString());
    }

    [Fact]
    public async Task Json_made_of_pieces_is_byte_for_byte_the_serialized_plan()
    {
        var plan = Sample();
        // Hostile text (line feeds, quotes, non-ASCII) inside values must not be mistaken for layout.
        var hostile = new DomainPlan("b.example", DomainStatus.Drift,
            [new Finding(Checks.Dmarc, FindingKind.Mismatch, Severity.Error, "_dmarc.b.example", "v=DMARC1;\n p=reject", "\"x\"\r\n  é", "line\none")],
            null, ["1. a\n\n  b"]);
        plan = ReconcilePlan.Of([.. plan.Domains, hostile]);
        using var whole = new MemoryStream();
        await PlanJson.WriteAsync(whole, plan, CancellationToken.None);

        // Every entry made beforehand, and none.
        foreach (var pieces in new[] { plan.Domains.ToDictionary(d => d, PlanJson.Piece), new Dictionary<DomainPlan, byte[]>() })
        {
            using var assembled = new MemoryStream();
            await PlanJson.WriteAsync(assembled, plan, pieces, CancellationToken.None);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(whole.ToArray()), System.Text.Encoding.UTF8.GetString(assembled.ToArray()));
        }
    }

    [Fact]
    public void Hand_written_json_is_byte_for_byte_what_the_reflection_serializer_writes()
    {
        // The reflection serializer with the live-state options (camelCase, kebab-case enums, nulls kept,
        // the same layout) is the reference the contract was first written with.
        var hostile = new DomainPlan("b.example", DomainStatus.Unknown,
            [new Finding(Checks.Dmarc, FindingKind.Unreachable, Severity.Warning, "_dmarc.b.example", null, "\"x\"\r\n  é <&> \u2028 \u0001", "line\none")],
            new MtaStsIds(null, "1", null), ["1. a\n\n  b"]);
        var unexpected = new DomainPlan("c.example", DomainStatus.Drift,
            [new Finding(Checks.Dane, FindingKind.Unexpected, Severity.Critical, "_25._tcp.mx.c.example", null, "3 1 1 ab", "declared absent"),
             new Finding(Checks.Spf, FindingKind.Missing, Severity.Error, "c.example", "v=spf1 -all", null, "missing"),
             new Finding(Checks.Spf, FindingKind.Invalid, Severity.Error, "c.example", null, "v=spf1 ~all ~all", "two all")],
            null, []);
        var plans = Sample().Domains.Append(hostile).Append(unexpected)
            .Concat(Directory.GetDirectories(GoldenCaseTests.CasesDir()).Order(StringComparer.Ordinal).Select(GoldenCaseTests.PlanCase))
            .ToList();
        Assert.True(plans.Count > 10);
        Assert.Equal(Enum.GetValues<DomainStatus>(), plans.Select(p => p.Status).Distinct().Order());
        Assert.Equal(Enum.GetValues<FindingKind>(), plans.SelectMany(p => p.Findings).Select(f => f.Kind).Distinct().Order());
        Assert.Equal(Enum.GetValues<Severity>(), plans.SelectMany(p => p.Findings).Select(f => f.Severity).Distinct().Order());
        foreach (var plan in plans)
        {
            Assert.Equal(JsonSerializer.Serialize(plan, LiveJson.Options), PlanJson.Serialize(plan));
        }

        var whole = ReconcilePlan.Of(plans.DistinctBy(p => p.Domain));
        Assert.Equal(JsonSerializer.Serialize(whole, LiveJson.Options), PlanJson.Serialize(whole));
    }

    [Fact]
    public void Json_is_valid_against_the_plan_schema_and_the_schema_rejects_unknown_values()
    {
        var schema = GoldenCaseTests.PlanSchema();
        using var good = JsonDocument.Parse(PlanJson.Serialize(Sample()));
        var result = schema.Evaluate(good.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        using var bad = JsonDocument.Parse(PlanJson.Serialize(Sample()).Replace("\"mismatch\"", "\"different\"", StringComparison.Ordinal));
        Assert.False(schema.Evaluate(bad.RootElement).IsValid);
    }

    [Fact]
    public void Observations_round_trip_through_json()
    {
        var live = new LiveDomain("example.com",
            new Found<IReadOnlyList<MxRecord>>([new MxRecord(10, "mx.example.com")]),
            new Absent<IReadOnlyList<string>>(AbsenceKind.NoData),
            new Unknown<SpfTree>("SERVFAIL"),
            new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain),
            new PolicyObservation(new Found<IReadOnlyList<string>>(["192.0.2.1"]),
                [new PolicyFetch("192.0.2.1", PolicyFetchStatus.Refused, PolicyFailure.NotFound, "status 404", null)]),
            new Found<IReadOnlyList<string>>(["v=TLSRPTv1; rua=mailto:a@example.com"]),
            new Unknown<IReadOnlyList<string>>("timeout"),
            new Dictionary<string, Observation<IReadOnlyList<string>>>(),
            new Dictionary<string, DkimObservation> { ["s1"] = new(new Found<IReadOnlyList<string>>(["s1.example.net"]), new Absent<IReadOnlyList<string>>(AbsenceKind.NxDomain)) },
            new Dictionary<string, Observation<IReadOnlyList<TlsaRecord>>> { ["mx.example.com"] = new Found<IReadOnlyList<TlsaRecord>>([new TlsaRecord(3, 1, 1, "ab")]) },
            []);
        var json = LiveJson.Serialize(live);
        Assert.Contains("\"absent\": \"nodata\"", json, StringComparison.Ordinal);
        Assert.Contains("\"unknown\": \"SERVFAIL\"", json, StringComparison.Ordinal);
        Assert.Contains("\"failure\": \"not-found\"", json, StringComparison.Ordinal);
        var back = LiveJson.Read(json)!;
        Assert.Equal(json, LiveJson.Serialize(back));
        Assert.IsType<Unknown<SpfTree>>(back.SpfTree);
        Assert.Equal(AbsenceKind.NoData, Assert.IsType<Absent<IReadOnlyList<string>>>(back.ApexTxt).Kind);
    }

    [Theory]
    [InlineData("""{"mx":{"found":[],"other":1}}""")]
    [InlineData("""{"mx":{"missing":"x"}}""")]
    [InlineData("""{"mx":{"absent":"gone"}}""")]
    [InlineData("""{"mx":{"found":[],"unknown":"x"}}""")]
    public void Malformed_observations_are_rejected(string json)
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Holder>(json, LiveJson.Options));
    }

    [Fact]
    public async Task Text_groups_by_domain_and_ends_with_one_summary_line()
    {
        using var writer = new StringWriter();
        await PlanText.WriteAsync(writer, Sample(), color: false, CancellationToken.None);
        var text = writer.ToString();
        Assert.DoesNotContain("\u001b[", text, StringComparison.Ordinal);
        Assert.Contains("example.com: drift (1 finding)", text, StringComparison.Ordinal);
        Assert.Contains("expected: mode: enforce", text, StringComparison.Ordinal);
        Assert.Contains("1. Publish this policy at ...", text, StringComparison.Ordinal);
        Assert.Equal("3 domains: 1 in sync, 1 drift, 0 unknown, 1 invalid", text.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public async Task Text_is_coloured_only_when_asked_and_never_passes_escapes_from_live_values()
    {
        var plan = ReconcilePlan.Of([new DomainPlan("e.example", DomainStatus.Drift,
            [new Finding(Checks.Spf, FindingKind.Mismatch, Severity.Critical, "e.example", "v=spf1 -all", "v=spf1 \u001b[2J -all", "differs")], null, [])]);
        using var writer = new StringWriter();
        await PlanText.WriteAsync(writer, plan, color: true, CancellationToken.None);
        Assert.Contains("\u001b[31m", writer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", writer.ToString(), StringComparison.Ordinal);
        Assert.True(PlanText.UseColor(outputIsTerminal: true, noColor: null));
        Assert.False(PlanText.UseColor(outputIsTerminal: true, noColor: "1"));
        Assert.False(PlanText.UseColor(outputIsTerminal: false, noColor: null));
    }

    private sealed record Holder(Observation<IReadOnlyList<MxRecord>> Mx);
}
