using System.Net;
using System.Text.Json;
using Json.Schema;
using Reconciler.Host;
using Reconciler.Host.Commands;

namespace Reconciler.IntegrationTests.Plan;

/// <summary>The plan command's usage errors and option parsing (no network).</summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly string repo = Directory.CreateTempSubdirectory("reconciler-plan-cmd-").FullName;

    public PlanCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(repo, "domains"));
        File.WriteAllText(Path.Combine(repo, "domains", "a.example.yaml"), "domain: a.example\nspf: \"v=spf1 -all\"\n");
        File.WriteAllText(Path.Combine(repo, "domains", "b.example.yaml"), "domain: b.example\nspf: 42\nunknown_key: 1\n");
    }

    public void Dispose() => Directory.Delete(repo, recursive: true);

    [Theory]
    [InlineData("--format", "yaml")]
    [InlineData("--concurrency", "0")]
    [InlineData("--timeout", "-1")]
    [InlineData("--policy-port", "70000")]
    [InlineData("--dns", "not a host!")]
    [InlineData("--ca-file", "/nonexistent/ca.pem")]
    public void Usage_errors_exit_one(string option, string value)
    {
        var (exit, _, error) = Run("plan", "--repo", repo, option, value, "--domain", "a.example");
        Assert.Equal(1, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void An_undeclared_domain_is_a_usage_error()
    {
        var (exit, output, error) = Run("plan", "--repo", repo, "--domain", "nowhere.example");
        Assert.Equal(1, exit);
        Assert.Contains("nowhere.example is not declared", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void An_invalid_domain_is_planned_as_invalid_and_exits_one_without_any_lookup()
    {
        var (exit, output, error) = Run("plan", "--repo", repo, "--domain", "b.example", "--format", "json", "--dns", "127.0.0.1:9", "--timeout", "0.2");
        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        var domain = json.RootElement.GetProperty("domains")[0];
        Assert.Equal("invalid", domain.GetProperty("status").GetString());
        Assert.Contains("b.example.yaml", error, StringComparison.Ordinal);
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoRoot(), "schemas", "plan.schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        Assert.True(schema.Evaluate(json.RootElement).IsValid);
    }

    [Fact]
    public void Markdown_format_prints_the_report()
    {
        var (exit, output, _) = Run("plan", "--repo", repo, "--domain", "b.example", "--format", "markdown");
        Assert.Equal(1, exit);
        Assert.Contains("| b.example | invalid |", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("[::1]:5300", "::1", 5300)]
    [InlineData("::1", "::1", 53)]
    public void Dns_endpoints_parse(string text, string address, int port)
    {
        Assert.True(ObserveOptions.TryParseEndpoint(text, out var endpoint, out _, out var error), error);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endpoint);
    }

    [Theory]
    [InlineData("dns.example:53", "dns.example", 53)]
    [InlineData("localhost", "localhost", 53)]
    public void Dns_host_names_are_resolved_later(string text, string name, int port)
    {
        Assert.False(ObserveOptions.TryParseEndpoint(text, out _, out var host, out _));
        Assert.Equal((name, port), host);
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:x")]
    [InlineData("[::1")]
    public void Bad_dns_endpoints_are_refused(string text)
    {
        Assert.False(ObserveOptions.TryParseEndpoint(text, out _, out var host, out var error));
        Assert.Null(host);
        Assert.NotNull(error);
    }

    [Fact]
    public async Task A_one_shot_run_keeps_no_policy_for_a_later_run()
    {
        var observe = new ObserveOptions();
        var command = new System.CommandLine.Command("plan");
        observe.AddTo(command);
        var options = await observe.BindAsync(command.Parse(["--dns", "127.0.0.1:53", "--concurrency", "8"]), CancellationToken.None);

        Assert.Equal(TimeSpan.Zero, options.PolicyCadence);
        Assert.Equal(8, options.Concurrency);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "schemas", "plan.schema.json")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("schemas/plan.schema.json not found above the test directory");
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
