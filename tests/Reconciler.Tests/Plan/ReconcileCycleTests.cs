using Microsoft.Extensions.Time.Testing;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;

namespace Reconciler.Tests.Plan;

public sealed class ReconcileCycleTests
{
    private static readonly FakeTimeProvider Clock = new(GoldenCaseTests.Now);

    private static DesiredState State()
    {
        var spec = GoldenCaseTests.LoadSpec(Path.Combine(GoldenCaseTests.CasesDir(), "in-sync-baseline", "desired.yaml"));
        return new DesiredState(
            [spec, spec with { Domain = "other.example", File = "domains/other.example.yaml" }],
            [new InvalidDomain("broken.example", "domains/broken.example.yaml")],
            [new Diagnostic(Reconciler.Records.Severity.Error, "domains/broken.example.yaml", 3, 1, "unknown key 'x'")],
            new RenderSettings(null));
    }

    /// <summary>An observer that reports each domain of the stream with <paramref name="observe"/>'s result (none when null).</summary>
    private static Func<IAsyncEnumerable<DomainSpec>, Action<DomainSpec, LiveDomain>, CancellationToken, Task> Observer(
        Func<DomainSpec, LiveDomain?> observe, List<string>? seen = null) =>
        async (stream, done, ct) =>
        {
            await foreach (var spec in stream.WithCancellation(ct))
            {
                seen?.Add(spec.Domain);
                if (observe(spec) is { } live)
                {
                    done(spec, live);
                }
            }
        };

    private static LiveDomain Live(string domain)
    {
        var live = Reconciler.Observe.LiveJson.Read(File.ReadAllText(Path.Combine(GoldenCaseTests.CasesDir(), "in-sync-baseline", "live.json")))!;
        return live with { Domain = domain };
    }

    [Fact]
    public async Task One_pass_observes_the_valid_domains_and_plans_the_invalid_ones_as_invalid()
    {
        var observed = new List<string>();
        var cycle = new ReconcileCycle(Observer(s => Live(s.Domain), observed), Clock);

        var result = await cycle.RunAsync(State(), null, CancellationToken.None);

        Assert.Equal(["example.com", "other.example"], observed);
        Assert.Equal(["broken.example", "example.com", "other.example"], result.Plan.Domains.Select(d => d.Domain));
        Assert.Equal(DomainStatus.Invalid, result.Plan.Domains[0].Status);
        Assert.Equal(DomainStatus.InSync, result.Plan.Domains[1].Status);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task A_domain_filter_limits_observation_and_plan()
    {
        var cycle = new ReconcileCycle(Observer(s => Live(s.Domain)), Clock);
        var result = await cycle.RunAsync(State(), ["EXAMPLE.com."], CancellationToken.None);
        var only = Assert.Single(result.Plan.Domains);
        Assert.Equal("example.com", only.Domain);
        Assert.Equal(0, result.Plan.ExitCode);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task An_error_in_reconciler_yaml_makes_the_run_exit_one()
    {
        var state = State() with { Diagnostics = [new Diagnostic(Reconciler.Records.Severity.Error, "reconciler.yaml", 2, 3, "unknown key 'y'")] };
        var cycle = new ReconcileCycle(Observer(s => Live(s.Domain)), Clock);
        var result = await cycle.RunAsync(state, ["example.com"], CancellationToken.None);
        Assert.Equal(0, result.Plan.ExitCode);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task A_failure_while_planning_one_domain_makes_it_unknown_not_the_cycle_fail()
    {
        var cycle = new ReconcileCycle(Observer(s => s.Domain == "other.example" ? Live(s.Domain) with { Dkim = null! } : Live(s.Domain)), Clock);
        var result = await cycle.RunAsync(State(), null, CancellationToken.None);
        var other = Assert.Single(result.Plan.Domains, d => d.Domain == "other.example");
        Assert.Equal(DomainStatus.Unknown, other.Status);
        Assert.Equal(DomainStatus.InSync, Assert.Single(result.Plan.Domains, d => d.Domain == "example.com").Status);
    }

    [Fact]
    public void Planning_observed_domains_is_pure()
    {
        var plan = ReconcileCycle.Plan(State(), [Live("example.com"), Live("other.example")], Clock);
        Assert.Equal(3, plan.Summary.Domains);
        Assert.Equal(2, plan.Summary.InSync);
        Assert.Equal(1, plan.Summary.Invalid);
    }

    [Fact]
    public async Task A_repository_directory_is_observed_while_it_is_read_and_planned_as_if_read_first()
    {
        var repo = Directory.CreateTempSubdirectory("cycle-stream-");
        try
        {
            var baseline = File.ReadAllText(Path.Combine(GoldenCaseTests.CasesDir(), "in-sync-baseline", "desired.yaml"));
            Directory.CreateDirectory(Path.Combine(repo.FullName, "domains"));
            var names = Enumerable.Range(0, 30).Select(i => $"d{i:D2}.example").ToList();
            foreach (var name in names)
            {
                File.WriteAllText(Path.Combine(repo.FullName, "domains", name + ".yaml"), baseline.Replace("domain: example.com", $"domain: {name}", StringComparison.Ordinal));
            }

            File.WriteAllText(Path.Combine(repo.FullName, "domains", "broken.example.yaml"), "domain: broken.example\nx: 1\n");
            var observed = new List<string>();
            var cycle = new ReconcileCycle(Observer(s => Live(s.Domain), observed), Clock);

            var streamed = await cycle.RunAsync(repo.FullName, null, CancellationToken.None);
            var loadedFirst = ReconcileCycle.Plan(streamed.Desired, names.Select(Live).ToList(), Clock);

            Assert.Equal(names, observed.Order(StringComparer.Ordinal));
            Assert.Equal(Reconciler.Plan.Output.PlanJson.Serialize(loadedFirst), Reconciler.Plan.Output.PlanJson.Serialize(streamed.Plan));
            Assert.Equal(["broken.example", .. names], streamed.Plan.Domains.Select(d => d.Domain));
            Assert.Equal(DomainStatus.Invalid, streamed.Plan.Domains[0].Status);

            observed.Clear();
            var one = await cycle.RunAsync(repo.FullName, ["D07.example."], CancellationToken.None);
            Assert.Equal(["d07.example"], observed);
            Assert.Equal("d07.example", Assert.Single(one.Plan.Domains).Domain);
        }
        finally
        {
            repo.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Cancelling_a_streaming_pass_throws_rather_than_planning_what_was_not_observed()
    {
        var repo = Directory.CreateTempSubdirectory("cycle-cancel-");
        try
        {
            Directory.CreateDirectory(Path.Combine(repo.FullName, "domains"));
            for (var i = 0; i < 200; i++)
            {
                File.WriteAllText(Path.Combine(repo.FullName, "domains", $"d{i:D3}.example.yaml"), $"domain: d{i:D3}.example\nspf: \"v=spf1 -all\"\n");
            }

            using var cts = new CancellationTokenSource();
            var cycle = new ReconcileCycle(async (stream, done, ct) =>
            {
                // As Parallel.ForEachAsync does: the token is checked before each domain.
                await foreach (var spec in stream.WithCancellation(ct))
                {
                    ct.ThrowIfCancellationRequested();
                    done(spec, Live(spec.Domain));
                    await cts.CancelAsync();
                }
            }, Clock);

            // Not a plan of one domain, nor "no observation of d001" for the rest: the pass was cancelled.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cycle.RunAsync(repo.FullName, null, cts.Token));
        }
        finally
        {
            repo.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_observer_that_loses_a_domain_is_an_error_not_a_silent_gap()
    {
        var cycle = new ReconcileCycle(Observer(s => s.Domain == "other.example" ? null : Live(s.Domain)), Clock);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cycle.RunAsync(State(), null, CancellationToken.None));
        Assert.Contains("other.example", error.Message, StringComparison.Ordinal);
    }
}
