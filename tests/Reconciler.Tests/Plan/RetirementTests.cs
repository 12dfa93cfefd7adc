using Microsoft.Extensions.Time.Testing;
using Reconciler.Observe;
using Reconciler.Plan;

namespace Reconciler.Tests.Plan;

public sealed class RetirementTests
{
    [Fact]
    public void Retiring_keeps_the_policy_for_the_largest_max_age_any_address_serves()
    {
        var (spec, live) = GoldenCaseTests.LoadCase("mta-sts-retire-mode-none");
        var first = live.Policy!.Fetches[0];
        live = live with
        {
            Policy = live.Policy with
            {
                Addresses = new Found<IReadOnlyList<string>>(["192.0.2.10", "192.0.2.11"]),
                Fetches = [first, first with { Address = "192.0.2.11", Body = first.Body!.Replace("max_age: 604800", "max_age: 31557600", StringComparison.Ordinal) }],
            },
        };

        var plan = Planner.Plan(spec, live, new FakeTimeProvider(DateTimeOffset.UnixEpoch));

        Assert.Contains(plan.Fix, step => step.Contains("at least 31557600 seconds", StringComparison.Ordinal));
    }
}
