using Microsoft.Extensions.Time.Testing;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Plan.Output;

namespace Reconciler.Tests.Plan;

public sealed class PlanMemoTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_unchanged_domain_keeps_its_plan_and_its_proposed_id()
    {
        var (spec, live) = Case("mta-sts-id-bump-policy-changed");
        var memo = new PlanMemo();
        var time = new FakeTimeProvider(Now);
        var calls = 0;
        DomainPlan Plan(DomainSpec s, LiveDomain l)
        {
            calls++;
            return Planner.Plan(s, l, time);
        }

        var first = memo.PlanAll([spec], [live], Plan, CancellationToken.None)[0];
        time.Advance(TimeSpan.FromHours(1));
        var again = PlanJson.ReadLive(PlanJson.Serialize(live))!;
        var second = memo.PlanAll([spec], [again], Plan, CancellationToken.None)[0];

        Assert.Equal(1, calls);
        Assert.Equal(1, memo.Reused);
        Assert.Same(first, second);
        Assert.NotNull(first.MtaSts?.ProposedId);
    }

    [Fact]
    public void A_changed_observation_or_a_new_spec_is_planned_again()
    {
        var (spec, live) = Case("mta-sts-id-bump-policy-changed");
        var memo = new PlanMemo();
        var calls = 0;
        DomainPlan Plan(DomainSpec s, LiveDomain l)
        {
            calls++;
            return Planner.Plan(s, l, new FakeTimeProvider(Now));
        }

        memo.PlanAll([spec], [live], Plan, CancellationToken.None);
        var moved = live with { DmarcTxt = new Found<IReadOnlyList<string>>(["v=DMARC1; p=none"]) };
        var replanned = memo.PlanAll([spec], [moved], Plan, CancellationToken.None)[0];
        Assert.Equal(2, calls);
        Assert.Equal(0, memo.Reused);
        Assert.Contains(replanned.Findings, f => f.Check == Checks.Dmarc);

        // The same content parsed again (a new revision) is a new spec object: planned again.
        var (reloaded, _) = Case("mta-sts-id-bump-policy-changed");
        memo.PlanAll([reloaded], [moved], Plan, CancellationToken.None);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void An_undecided_plan_is_never_reused()
    {
        var (spec, live) = Case("coverage-mx-unknown");
        var memo = new PlanMemo();
        var calls = 0;
        DomainPlan Plan(DomainSpec s, LiveDomain l)
        {
            calls++;
            return Planner.Plan(s, l, new FakeTimeProvider(Now));
        }

        var first = memo.PlanAll([spec], [live], Plan, CancellationToken.None)[0];
        memo.PlanAll([spec], [live], Plan, CancellationToken.None);

        Assert.Equal(DomainStatus.Unknown, first.Status);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void A_pass_keeps_only_the_domains_planned_in_it()
    {
        var (spec, live) = Case("mta-sts-id-bump-policy-changed");
        var memo = new PlanMemo();
        var calls = 0;
        DomainPlan Plan(DomainSpec s, LiveDomain l)
        {
            calls++;
            return Planner.Plan(s, l, new FakeTimeProvider(Now));
        }

        Assert.Throws<InvalidOperationException>(() => memo.Plan(spec, live, Plan));
        memo.BeginPass();
        var first = memo.Plan(spec, live, Plan);
        memo.EndPass();

        // A pass without the domain (say it moved to another shard) forgets it.
        memo.BeginPass();
        memo.EndPass();
        memo.BeginPass();
        var again = memo.Plan(spec, live, Plan);
        memo.EndPass();

        Assert.Equal(2, calls);
        Assert.NotSame(first, again);
        Assert.Equal(0, memo.Reused);
    }

    private static (DomainSpec Spec, LiveDomain Live) Case(string name)
    {
        var dir = Path.Combine(GoldenCaseTests.CasesDir(), name);
        var spec = GoldenCaseTests.LoadSpec(Path.Combine(dir, "desired.yaml"));
        var live = PlanJson.ReadLive(File.ReadAllText(Path.Combine(dir, "live.json")))!;
        return (spec, live);
    }
}
