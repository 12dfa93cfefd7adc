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
        var planner = new CountingPlanner(time);

        var first = Pass(memo, spec, live, planner);
        time.Advance(TimeSpan.FromHours(1));
        var again = LiveJson.Read(LiveJson.Serialize(live))!;
        var second = Pass(memo, spec, again, planner);

        Assert.Equal(1, planner.Calls);
        Assert.Equal(1, memo.Reused);
        Assert.Same(first, second);
        Assert.NotNull(first.MtaSts?.ProposedId);
    }

    [Fact]
    public void A_changed_observation_or_a_new_spec_is_planned_again()
    {
        var (spec, live) = Case("mta-sts-id-bump-policy-changed");
        var memo = new PlanMemo();
        var planner = new CountingPlanner(new FakeTimeProvider(Now));

        Pass(memo, spec, live, planner);
        var moved = live with { DmarcTxt = new Found<IReadOnlyList<string>>(["v=DMARC1; p=none"]) };
        var replanned = Pass(memo, spec, moved, planner);
        Assert.Equal(2, planner.Calls);
        Assert.Equal(0, memo.Reused);
        Assert.Contains(replanned.Findings, f => f.Check == Checks.Dmarc);

        // The same content parsed again (a new revision) is a new spec object: planned again.
        var (reloaded, _) = Case("mta-sts-id-bump-policy-changed");
        Pass(memo, reloaded, moved, planner);
        Assert.Equal(3, planner.Calls);
    }

    [Fact]
    public void An_undecided_plan_is_never_reused()
    {
        var (spec, live) = Case("coverage-mx-unknown");
        var memo = new PlanMemo();
        var planner = new CountingPlanner(new FakeTimeProvider(Now));

        var first = Pass(memo, spec, live, planner);
        Pass(memo, spec, live, planner);

        Assert.Equal(DomainStatus.Unknown, first.Status);
        Assert.Equal(2, planner.Calls);
    }

    [Fact]
    public void A_pass_keeps_only_the_domains_planned_in_it()
    {
        var (spec, live) = Case("mta-sts-id-bump-policy-changed");
        var memo = new PlanMemo();
        var planner = new CountingPlanner(new FakeTimeProvider(Now));

        Assert.Throws<InvalidOperationException>(() => memo.Plan(spec, live, planner.Plan));
        memo.BeginPass();
        var first = memo.Plan(spec, live, planner.Plan);
        memo.EndPass();

        // A pass without the domain (say it moved to another shard) forgets it.
        memo.BeginPass();
        memo.EndPass();
        memo.BeginPass();
        var again = memo.Plan(spec, live, planner.Plan);
        memo.EndPass();

        Assert.Equal(2, planner.Calls);
        Assert.NotSame(first, again);
        Assert.Equal(0, memo.Reused);
    }

    private static (DomainSpec Spec, LiveDomain Live) Case(string name) => GoldenCaseTests.LoadCase(name);

    /// <summary>One pass over one domain.</summary>
    private static DomainPlan Pass(PlanMemo memo, DomainSpec spec, LiveDomain live, CountingPlanner planner)
    {
        memo.BeginPass();
        var plan = memo.Plan(spec, live, planner.Plan);
        memo.EndPass();
        return plan;
    }

    /// <summary>Plans with <see cref="Planner"/> and counts how often it was asked.</summary>
    private sealed class CountingPlanner(TimeProvider time)
    {
        public int Calls { get; private set; }

        public DomainPlan Plan(DomainSpec spec, LiveDomain live)
        {
            Calls++;
            return Planner.Plan(spec, live, time);
        }
    }
}
