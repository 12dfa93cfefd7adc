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
}
