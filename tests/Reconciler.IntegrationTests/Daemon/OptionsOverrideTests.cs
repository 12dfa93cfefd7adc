using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>
/// What <c>run</c>'s options do to the configuration below them (appsettings.json, the environment,
/// here the host's own command-line arguments): a scalar wins, and a list replaces the configured one.
/// </summary>
public sealed class OptionsOverrideTests
{
    private static readonly string[] Configured =
    [
        "--Reconciler:Dns:0=192.0.2.1", "--Reconciler:Dns:1=192.0.2.2", "--Reconciler:Dns:2=192.0.2.3",
        "--Reconciler:Domain:0=configured-a.example", "--Reconciler:Domain:1=configured-b.example",
        "--Reconciler:Concurrency=8",
    ];

    private static ReconcilerOptions Bound(Dictionary<string, string?> overrides)
    {
        var settings = DaemonTestHost.BaseSettings();
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        using var app = DaemonHost.Build(Configured, settings, _ => new RecordingRunner());
        return app.Services.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
    }

    [Fact]
    public void A_list_given_on_the_command_line_replaces_the_configured_list_instead_of_merging_by_index()
    {
        // run --dns 127.0.0.1 --domain given.example --concurrency 16
        var options = Bound(new()
        {
            ["Reconciler:Dns:0"] = "127.0.0.1",
            ["Reconciler:Domain:0"] = "given.example",
            ["Reconciler:Concurrency"] = "16",
        });

        Assert.Equal(["127.0.0.1"], options.Dns);
        Assert.Equal(["given.example"], options.Domain);
        Assert.Equal(16, options.Concurrency);
    }

    [Fact]
    public void A_longer_list_given_replaces_a_shorter_one_and_lists_not_given_stay_as_configured()
    {
        // run --domain one.example --domain two.example --domain three.example
        var options = Bound(new()
        {
            ["Reconciler:Domain:0"] = "one.example",
            ["Reconciler:Domain:1"] = "two.example",
            ["Reconciler:Domain:2"] = "three.example",
        });

        Assert.Equal(["one.example", "two.example", "three.example"], options.Domain);
        Assert.Equal(["192.0.2.1", "192.0.2.2", "192.0.2.3"], options.Dns);
        Assert.Equal(8, options.Concurrency);
    }
}
