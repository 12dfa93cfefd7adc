using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class ObserverOptionsTests
{
    [Fact]
    public void The_daemon_passes_its_policy_cadence_and_observation_settings_to_the_observer()
    {
        var options = new ReconcilerOptions
        {
            PolicyCadence = TimeSpan.FromMinutes(20),
            Dns = ["127.0.0.1:5353"],
            PolicyPort = 8443,
            Concurrency = 32,
            Timeout = 3,
        };

        var observe = PipelineCycleRunner.ObserverOptions(options);

        Assert.Equal(TimeSpan.FromMinutes(20), observe.PolicyCadence);
        Assert.Equal("127.0.0.1:5353", Assert.Single(observe.Resolvers).ToString());
        Assert.Equal(8443, observe.PolicyPort);
        Assert.Equal(32, observe.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(3), observe.Timeout);
    }

    [Fact]
    public void The_policy_cadence_defaults_to_an_hour()
    {
        Assert.Equal(TimeSpan.FromHours(1), PipelineCycleRunner.ObserverOptions(new ReconcilerOptions()).PolicyCadence);
    }

    [Fact]
    public void Resolver_names_resolve_as_for_plan_and_a_bad_value_is_named()
    {
        // localhost resolves from the hosts file: no query leaves the machine.
        var observe = PipelineCycleRunner.ObserverOptions(new ReconcilerOptions { Dns = ["localhost:5353", "[::1]:53"] });
        Assert.True(System.Net.IPAddress.IsLoopback(observe.Resolvers[0].Address));
        Assert.Equal(5353, observe.Resolvers[0].Port);
        Assert.Equal("[::1]:53", observe.Resolvers[1].ToString());

        var error = Assert.Throws<InvalidOperationException>(() => PipelineCycleRunner.ObserverOptions(new ReconcilerOptions { Dns = ["127.0.0.1:99999"] }));
        Assert.StartsWith("Reconciler:Dns: 127.0.0.1:99999: ", error.Message, StringComparison.Ordinal);
    }
}
