using Microsoft.Extensions.Time.Testing;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Tests.Plan;

namespace Reconciler.Tests.Observe;

public sealed class UndecidedDomainTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(GoldenCaseTests.CasesDir()).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_domain_whose_observation_failed_concludes_nothing(string name)
    {
        var spec = GoldenCaseTests.LoadSpec(Path.Combine(GoldenCaseTests.CasesDir(), name, "desired.yaml"));

        var plan = Planner.Plan(spec, DomainObservation.Undecided(spec, "observing failed (test)"), new FakeTimeProvider(DateTimeOffset.UnixEpoch));

        Assert.Equal(DomainStatus.Unknown, plan.Status);
        Assert.All(plan.Findings, f => Assert.True(
            f.Kind == FindingKind.Unreachable || f.Severity < Reconciler.Records.Severity.Error,
            $"{f.Check} {f.Kind} {f.Severity}: {f.Message}"));
        Assert.Empty(plan.Fix);
    }
}
