using Microsoft.Extensions.Time.Testing;
using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Observe;

/// <summary>The daemon's policy cadence against the real Knot and Kestrel: DNS every run, the policy only when due or changed.</summary>
[Collection(ObserveCollection.Name)]
public sealed class PolicyCadenceTests(ObserveFixture fixture)
{
    [Fact]
    public async Task A_second_run_asks_dns_again_but_reuses_the_policy()
    {
        using var observer = new LiveObserver(fixture.Options(), new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var spec = ObserveFixture.Spec("ok-lf.obs.test", mtaSts: true);

        var first = await observer.ObserveAllAsync([spec], CancellationToken.None);
        var queries = observer.DnsQueries;
        var second = await observer.ObserveAllAsync([spec], CancellationToken.None);

        Assert.Equal(1, observer.HttpsFetches);
        Assert.Equal(2 * queries, observer.DnsQueries);
        Assert.Equal(first[0].Policy, second[0].Policy);
        Assert.Equal(1, observer.CachedPolicies);
    }

    [Fact]
    public async Task The_policy_is_fetched_again_when_the_cadence_elapses()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var observer = new LiveObserver(fixture.Options() with { PolicyCadence = TimeSpan.FromMinutes(30) }, time);
        var spec = ObserveFixture.Spec("ok-lf.obs.test", mtaSts: true);

        await observer.ObserveAllAsync([spec], CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(29));
        await observer.ObserveAllAsync([spec], CancellationToken.None);
        Assert.Equal(1, observer.HttpsFetches);

        time.Advance(TimeSpan.FromMinutes(1));
        await observer.ObserveAllAsync([spec], CancellationToken.None);
        Assert.Equal(2, observer.HttpsFetches);
    }

    [Fact]
    public async Task A_changed_declared_policy_is_fetched_at_once()
    {
        using var observer = new LiveObserver(fixture.Options(), new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var spec = ObserveFixture.Spec("ok-lf.obs.test", mtaSts: true);

        await observer.ObserveAllAsync([spec], CancellationToken.None);
        await observer.ObserveAllAsync([spec with { MtaSts = spec.MtaSts! with { Mode = Records.MtaStsMode.Testing } }], CancellationToken.None);

        Assert.Equal(2, observer.HttpsFetches);
    }

    [Fact]
    public async Task A_refused_policy_is_fetched_every_run_and_zero_cadence_always_fetches()
    {
        using var observer = new LiveObserver(fixture.Options(), new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var refused = ObserveFixture.Spec("notfound.obs.test", mtaSts: true);
        await observer.ObserveAllAsync([refused], CancellationToken.None);
        await observer.ObserveAllAsync([refused], CancellationToken.None);
        Assert.Equal(2, observer.HttpsFetches);

        using var always = new LiveObserver(fixture.Options() with { PolicyCadence = TimeSpan.Zero });
        var ok = ObserveFixture.Spec("ok-lf.obs.test", mtaSts: true);
        await always.ObserveAllAsync([ok], CancellationToken.None);
        await always.ObserveAllAsync([ok], CancellationToken.None);
        Assert.Equal(2, always.HttpsFetches);
    }
}
