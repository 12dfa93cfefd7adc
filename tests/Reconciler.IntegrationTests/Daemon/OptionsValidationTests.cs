using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Reconciler.Host.Commands;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Reconciler:Interval", "00:00:01", "Reconciler:Interval")]
    [InlineData("Reconciler:Interval", "2.00:00:00", "Reconciler:Interval")]
    [InlineData("Reconciler:Concurrency", "0", "Reconciler:Concurrency")]
    [InlineData("Reconciler:Concurrency", "5000", "Reconciler:Concurrency")]
    [InlineData("Reconciler:Shard", "3/3", "Reconciler:Shard")]
    [InlineData("Reconciler:Shard", "one/two", "Reconciler:Shard")]
    [InlineData("Reconciler:GitHub:Repo", "not-a-repo", "Reconciler:GitHub:Repo")]
    [InlineData("Reconciler:Desired:GitHubRepo", "acme/config", "exactly one desired source")]
    [InlineData("Reconciler:LeaderElection:Enabled", "true", "Reconciler:LeaderElection:Namespace")]
    public async Task A_bad_setting_fails_start_with_the_key_named(string key, string value, string expected)
    {
        var settings = DaemonTestHost.BaseSettings();
        settings[key] = value;
        if (key == "Reconciler:LeaderElection:Enabled")
        {
            settings["Reconciler:LeaderElection:Identity"] = "test";
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await DaemonTestHost.StartAsync(settings);
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_desired_source_fails_start()
    {
        var settings = DaemonTestHost.BaseSettings();
        settings.Remove("Reconciler:Desired:Directory");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await DaemonTestHost.StartAsync(settings);
        });

        Assert.Contains("Reconciler:Desired:Directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_command_reports_bad_configuration_and_exits_1()
    {
        var settings = DaemonTestHost.BaseSettings();
        settings["Reconciler:Interval"] = "00:00:02";
        var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            var exit = RunCommand.Run(settings, _ => new RecordingRunner());

            Assert.Equal(1, exit);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("Reconciler:Interval must be between", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_token_file_fails_with_the_key_named_and_no_contents()
    {
        var settings = DaemonTestHost.BaseSettings();
        settings["Reconciler:GitHub:TokenFile"] = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "token");
        var stderr = new StringWriter();
        var original = Console.Error;
        Console.SetError(stderr);
        try
        {
            Assert.Equal(1, RunCommand.Run(settings, _ => new RecordingRunner()));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("Reconciler:GitHub:TokenFile", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_read_from_files_trimmed_and_never_printed()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  file-secret-value\n");
            var options = new ReconcilerOptions { Webhook = new WebhookOptions { SecretFile = file } };
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["GITHUB_TOKEN"] = "env-token-value" })
                .Build();

            var secrets = DaemonSecrets.From(configuration, options);

            Assert.Equal("file-secret-value"u8.ToArray(), secrets.WebhookSecret.ToArray());
            Assert.Equal("env-token-value", secrets.GitHubToken);
            Assert.DoesNotContain("file-secret-value", secrets.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("env-token-value", secrets.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("file-secret-value", options.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("90s", 90)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    [InlineData("00:02:00", 120)]
    public void Durations_parse_as_written_on_a_command_line(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("m")]
    public void Bad_durations_are_rejected(string text) => Assert.False(DurationText.TryParse(text, out _));
}
