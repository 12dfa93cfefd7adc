using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Plan.Output;
using Reconciler.Records;
using Reconciler.Report.Markdown;

namespace Reconciler.Host.Commands;

/// <summary>
/// <c>reconciler plan [--repo DIR] [--domain NAME]... [--format text|json|markdown] [observation options]</c>:
/// observes every declared domain, prints the plan; exit 0 in sync, 2 drift, 1 undecided/invalid/usage error.
/// </summary>
public static class PlanCommand
{
    private const int ProgressThreshold = 50;

    public static Command Create()
    {
        var repo = ValidateCommand.RepoOption();
        var domains = DomainOption();
        var format = FormatOption();
        var observe = new ObserveOptions();
        var command = new Command("plan", "Compare the declared state with live DNS and the published policies, and print what to publish, in a safe order.");
        command.Options.Add(repo);
        command.Options.Add(domains);
        command.Options.Add(format);
        observe.AddTo(command);
        command.SetAction((parseResult, ct) => RunAsync(parseResult, parseResult.GetValue(repo) ?? ".", parseResult.GetValue(domains) ?? [],
            parseResult.GetValue(format) ?? "text", observe, ct));
        return command;
    }

    internal static Option<string[]> DomainOption() => new("--domain")
    {
        Description = "Only this domain (repeatable; default: every declared domain).",
        AllowMultipleArgumentsPerToken = false,
    };

    internal static Option<string> FormatOption()
    {
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (default), json (the contract in schemas/plan.schema.json) or markdown.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "markdown");
        return format;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, string directory, string[] wanted, string format, ObserveOptions observe, CancellationToken ct) =>
        (await PlanAsync(parseResult, directory, wanted, format, observe, ct).ConfigureAwait(false)).ExitCode;

    /// <summary>
    /// What <c>plan</c> does, shared with <c>reconcile</c>: load, check the <c>--domain</c> names, observe,
    /// plan and print the plan in <paramref name="format"/> to the output. A usage error gives exit 1 and
    /// no <see cref="PlanRun.Result"/>.
    /// </summary>
    internal static async Task<PlanRun> PlanAsync(ParseResult parseResult, string directory, string[] wanted, string format, ObserveOptions observe, CancellationToken ct)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!Directory.Exists(directory))
        {
            await error.WriteLineAsync($"error: the repository directory '{directory}' does not exist".AsMemory(), ct).ConfigureAwait(false);
            return PlanRun.UsageError;
        }

        // --domain names are checked against the domain files' names before anything is read or asked.
        var names = wanted.Select(DnsName.Normalize).Distinct(StringComparer.Ordinal).ToList();
        // (Without a domains/ folder the load says so: that, not "x is not declared", is the error to show.)
        var declared = DesiredStateLoader.DeclaredDomains(directory);
        var hasDomainsFolder = Directory.Exists(Path.Combine(directory, DesiredStateLoader.DomainsFolder));
        var undeclared = names.Where(n => hasDomainsFolder && !declared.Contains(n)).ToList();
        foreach (var name in undeclared)
        {
            await error.WriteLineAsync($"error: {name} is not declared under {directory}/domains/".AsMemory(), ct).ConfigureAwait(false);
        }

        if (undeclared.Count > 0)
        {
            return PlanRun.UsageError;
        }

        LiveObserverOptions options;
        try
        {
            options = await observe.BindAsync(parseResult, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
        {
            await error.WriteLineAsync($"error: {e.Message}".AsMemory(), ct).ConfigureAwait(false);
            return PlanRun.UsageError;
        }

        using var observer = new LiveObserver(options);
        var count = names.Count > 0 ? names.Count : declared.Count;
        var progress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && count >= ProgressThreshold;
        if (progress)
        {
            await error.WriteLineAsync($"observing {count} domains...".AsMemory(), ct).ConfigureAwait(false);
        }

        // Each domain is observed (and planned) as soon as its file is read, while the rest are read;
        // file errors are shown as soon as the fleet is read, not after observing it. For JSON, each
        // domain's entry is made as soon as it is planned: writing the plan at the end is only copying.
        var pieces = format == "json" ? new ConcurrentDictionary<DomainPlan, byte[]>(ReferenceEqualityComparer.Instance) : null;
        var started = Stopwatch.GetTimestamp();
        var result = await new ReconcileCycle(observer, TimeProvider.System).RunAsync(
            directory,
            names,
            ct,
            loaded =>
            {
                foreach (var diagnostic in loaded.Diagnostics.Where(d => d.Severity >= Severity.Error))
                {
                    error.WriteLine(diagnostic.ToString());
                }
            },
            pieces is null ? null : plan => pieces[plan] = PlanJson.Piece(plan)).ConfigureAwait(false);
        var desired = result.Desired;

        if (progress)
        {
            await error.WriteLineAsync($"done in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s ({observer.DnsQueries} DNS queries, {observer.HttpsFetches} policy fetches)".AsMemory(), ct).ConfigureAwait(false);
        }

        await WriteAsync(output, format, result.Plan, desired, ct, pieces).ConfigureAwait(false);
        return new PlanRun(result.ExitCode, names, result);
    }

    /// <summary>Prints <paramref name="plan"/> in <paramref name="format"/>; JSON entries come from <paramref name="pieces"/> when made already.</summary>
    internal static async Task WriteAsync(
        TextWriter output, string format, Plan.ReconcilePlan plan, DesiredState desired, CancellationToken ct, IReadOnlyDictionary<DomainPlan, byte[]>? pieces = null)
    {
        pieces ??= new Dictionary<DomainPlan, byte[]>();
        switch (format)
        {
            case "json" when ReferenceEquals(output, Console.Out):
                await using (var stdout = Console.OpenStandardOutput())
                {
                    await PlanJson.WriteAsync(stdout, plan, pieces, ct).ConfigureAwait(false);
                    await stdout.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
                }

                break;
            case "json":
                using (var buffer = new MemoryStream())
                {
                    await PlanJson.WriteAsync(buffer, plan, pieces, ct).ConfigureAwait(false);
                    await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).AsMemory(), ct).ConfigureAwait(false);
                }

                break;
            case "markdown":
                await output.WriteAsync(PlanMarkdown.Report(plan, desired.Invalid).AsMemory(), ct).ConfigureAwait(false);
                break;
            default:
                var color = ReferenceEquals(output, Console.Out) &&
                    PlanText.UseColor(!Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"));
                await PlanText.WriteAsync(output, plan, color, ct).ConfigureAwait(false);
                break;
        }

        await output.FlushAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>The outcome of <see cref="PlanCommand.PlanAsync"/>: the exit code, the <c>--domain</c> names (normalised) and the cycle's result.</summary>
internal sealed record PlanRun(int ExitCode, IReadOnlyList<string> Names, CycleResult? Result)
{
    public static PlanRun UsageError { get; } = new(1, [], null);
}
