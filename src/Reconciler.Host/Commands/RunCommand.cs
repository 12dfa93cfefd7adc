using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Reconciler.Host.Daemon;

namespace Reconciler.Host.Commands;

/// <summary>
/// <c>reconciler run</c>: the daemon. Every option is also a configuration key under
/// <c>Reconciler</c>; a given option wins over appsettings.json and the environment. The action is
/// synchronous on purpose: the host (not System.CommandLine) handles SIGTERM, so the running cycle
/// gets the host's full shutdown timeout.
/// </summary>
public static class RunCommand
{
    public static Command Create(Func<IServiceProvider, ICycleRunner> runnerFactory)
    {
        ArgumentNullException.ThrowIfNull(runnerFactory);
        var command = new Command("run", "Run the daemon: reconcile on start, every interval and on each push; serve /healthz, /readyz, /metrics and /webhook/github.");
        var map = new List<(Option Option, string Key, Func<ParseResult, IEnumerable<KeyValuePair<string, string?>>> Values)>();

        void Text(string name, string key, string description)
        {
            var option = new Option<string>(name) { Description = description };
            command.Options.Add(option);
            map.Add((option, key, r => [new(key, r.GetValue(option))]));
        }

        void Many(string name, string key, string description)
        {
            var option = new Option<string[]>(name) { Description = description, AllowMultipleArgumentsPerToken = false };
            command.Options.Add(option);
            map.Add((option, key, r => (r.GetValue(option) ?? []).Select((v, i) => new KeyValuePair<string, string?>($"{key}:{i}", v))));
        }

        void Flag(string name, string key, string description)
        {
            var option = new Option<bool>(name) { Description = description };
            command.Options.Add(option);
            map.Add((option, key, r => [new(key, r.GetValue(option) ? "true" : "false")]));
        }

        // The observation options shared with plan and reconcile; they have defaults, so only
        // options given explicitly override the configuration.
        var observe = new ObserveOptions();
        observe.AddTo(command);
        map.Add((observe.Dns, "Reconciler:Dns", r => (r.GetValue(observe.Dns) ?? []).Select((v, i) => new KeyValuePair<string, string?>($"Reconciler:Dns:{i}", v))));
        map.Add((observe.Authoritative, "Reconciler:Authoritative", r => [new("Reconciler:Authoritative", r.GetValue(observe.Authoritative) ? "true" : "false")]));
        map.Add((observe.PolicyPort, "Reconciler:PolicyPort", r => [new("Reconciler:PolicyPort", r.GetValue(observe.PolicyPort).ToString(CultureInfo.InvariantCulture))]));
        map.Add((observe.CaFile, "Reconciler:CaFile", r => [new("Reconciler:CaFile", r.GetValue(observe.CaFile))]));
        map.Add((observe.Concurrency, "Reconciler:Concurrency", r => [new("Reconciler:Concurrency", r.GetValue(observe.Concurrency).ToString(CultureInfo.InvariantCulture))]));
        map.Add((observe.Timeout, "Reconciler:Timeout", r => [new("Reconciler:Timeout", r.GetValue(observe.Timeout).ToString(CultureInfo.InvariantCulture))]));
        map.Add((observe.DnsProtocol, "Reconciler:DnsProtocol", r => [new("Reconciler:DnsProtocol", r.GetValue(observe.DnsProtocol).ToString())]));

        Text("--repo", "Reconciler:Desired:Directory", "Desired state from this checkout (kept fresh by git-sync or CI).");
        Text("--source-github-repo", "Reconciler:Desired:GitHubRepo", "Desired state from this GitHub repository (OWNER/NAME) through the API.");
        Text("--branch", "Reconciler:Desired:Branch", "The tracked branch (default main): read by the GitHub source; the only branch whose pushes trigger.");
        Many("--domain", "Reconciler:Domain", "Only this domain (repeatable).");
        Text("--github-repo", "Reconciler:GitHub:Repo", "Report drift to this repository (OWNER/NAME).");
        Text("--github-api", "Reconciler:GitHub:Api", "GitHub API base URL (GitHub Enterprise).");
        Text("--github-token-file", "Reconciler:GitHub:TokenFile", "Read the GitHub token from this file (else GITHUB_TOKEN).");
        Flag("--dry-run", "Reconciler:DryRun", "Observe and plan, never write to GitHub.");
        Text("--webhook-secret-file", "Reconciler:Webhook:SecretFile", "Read the webhook secret from this file (else GITHUB_WEBHOOK_SECRET).");
        Text("--shard", "Reconciler:Shard", "I/N: reconcile only the domains of shard I of N.");
        Flag("--leader-election", "Reconciler:LeaderElection:Enabled", "Only the holder of the Kubernetes Lease writes to GitHub.");
        Text("--lease-namespace", "Reconciler:LeaderElection:Namespace", "Namespace of the Lease.");
        Text("--lease-name", "Reconciler:LeaderElection:LeaseName", "Name of the Lease (default reconciler; -I is appended per shard).");
        Text("--urls", "urls", "Listen addresses (default http://0.0.0.0:8080; also ASPNETCORE_URLS).");

        var durations = new List<(Option<string> Option, string Key)>();
        foreach (var (name, key, description) in new[]
        {
            ("--interval", "Reconciler:Interval", "Reconcile this often (5m, 90s, 1h; 10s..1d)."),
            ("--poll-interval", "Reconciler:PollInterval", "Poll the desired source's revision this often (default 1m)."),
        })
        {
            var option = new Option<string>(name) { Description = description };
            command.Options.Add(option);
            durations.Add((option, key));
        }

        command.SetAction(parse =>
        {
            var overrides = new List<KeyValuePair<string, string?>>();
            foreach (var (option, _, values) in map.Where(m => parse.GetResult(m.Option) is { Implicit: false }))
            {
                overrides.AddRange(values(parse));
            }

            foreach (var (option, key) in durations.Where(d => parse.GetResult(d.Option) is { Implicit: false }))
            {
                if (!DurationText.TryParse(parse.GetValue(option), out var value))
                {
                    Console.Error.WriteLine($"{option.Name} ({key}): '{parse.GetValue(option)}' is not a duration; use 90s, 5m, 1h or 00:05:00.");
                    return 1;
                }

                overrides.Add(new(key, DurationText.ToConfiguration(value)));
            }

            return Run(overrides, runnerFactory);
        });
        return command;
    }

    /// <summary>Builds and runs the host until SIGTERM; 1 when the configuration is invalid.</summary>
    public static int Run(IEnumerable<KeyValuePair<string, string?>> overrides, Func<IServiceProvider, ICycleRunner> runnerFactory)
    {
        try
        {
            using var app = DaemonHost.Build([], overrides, runnerFactory);
            app.Run();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                Console.Error.WriteLine($"invalid configuration: {failure}");
            }

            return 1;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Reconciler:", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"invalid configuration: {e.Message}");
            return 1;
        }
    }
}
