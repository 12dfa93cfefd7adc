using System.CommandLine;
using Reconciler.Records;
using Reconciler.Report.GitHub;

namespace Reconciler.Host.Commands;

/// <summary>
/// <c>reconciler reconcile [plan options] [--github-repo OWNER/NAME] [--github-api URL] [--github-token-file FILE]
/// [--branch NAME] [--commit SHA] [--dry-run]</c>: <c>plan</c>, then report the plan to GitHub (drift issues,
/// id-bump pull requests, the commit status). The plan goes to stdout exactly as <c>plan</c> prints it; the
/// GitHub actions go to stderr, one a line (<c>would </c> in front in a dry run). Exit: the plan's (0 in sync,
/// 2 drift, 1 undecided, invalid or usage error), and 1 when any GitHub write or read failed.
/// </summary>
public static class ReconcileCommand
{
    public static Command Create() => Create(Environment.GetEnvironmentVariable);

    /// <param name="environment">Where <c>GITHUB_TOKEN</c> is read from.</param>
    public static Command Create(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var repo = ValidateCommand.RepoOption();
        var domains = PlanCommand.DomainOption();
        var format = PlanCommand.FormatOption();
        var observe = new ObserveOptions();
        var report = new ReportOptions();
        var command = new Command("reconcile", "Plan, then report to GitHub: one drift issue per domain, a pull request per MTA-STS id bump, a commit status on the config commit.");
        command.Options.Add(repo);
        command.Options.Add(domains);
        command.Options.Add(format);
        observe.AddTo(command);
        report.AddTo(command);
        command.SetAction((parseResult, ct) => RunAsync(parseResult, new Inputs(parseResult.GetValue(repo) ?? ".", parseResult.GetValue(domains) ?? [],
            parseResult.GetValue(format) ?? "text", observe, report, environment), ct));
        return command;
    }

    private sealed record Inputs(string Directory, string[] Domains, string Format, ObserveOptions Observe, ReportOptions Report, Func<string, string?> Environment);

    private static async Task<int> RunAsync(ParseResult parseResult, Inputs inputs, CancellationToken ct)
    {
        var error = parseResult.InvocationConfiguration.Error;
        var dryRun = parseResult.GetValue(inputs.Report.DryRun);
        if (!Directory.Exists(inputs.Directory))
        {
            await WriteAsync(error, $"error: the repository directory '{inputs.Directory}' does not exist", ct).ConfigureAwait(false);
            return 1;
        }

        // Everything GitHub needs is checked before the (possibly long) observation.
        var (target, problem) = inputs.Report.Resolve(parseResult, inputs.Directory, inputs.Environment);
        if (problem is not null || (target is null && !dryRun))
        {
            await WriteAsync(error, $"error: {problem ?? "--github-repo OWNER/NAME is required (or --dry-run to plan without reporting)"}", ct).ConfigureAwait(false);
            return 1;
        }

        var run = await PlanCommand.PlanAsync(parseResult, inputs.Directory, inputs.Domains, inputs.Format, inputs.Observe, ct).ConfigureAwait(false);
        if (run.Result is not { } cycle)
        {
            return run.ExitCode;
        }

        if (target is null)
        {
            await WriteAsync(error, "dry run without --github-repo: planned only, nothing reported", ct).ConfigureAwait(false);
            return run.ExitCode;
        }

        var desired = cycle.Desired;
        if (desired.Domains.Count == 0 && desired.Invalid.Count == 0)
        {
            await WriteAsync(error, $"error: no domain file under '{inputs.Directory}/domains/': nothing reported to GitHub (an empty checkout is not an empty fleet)", ct).ConfigureAwait(false);
            return 1;
        }

        // Every declared domain, so that a run limited by --domain closes no other domain's issue.
        var wanted = run.Names.Count > 0 ? run.Names.ToHashSet(StringComparer.Ordinal) : null;
        var declared = desired.Domains.Select(d => d.Domain).Concat(desired.Invalid.Select(i => i.Domain)).ToList();
        var invalid = desired.Invalid.Where(i => wanted is null || wanted.Contains(DnsName.Normalize(i.Domain))).ToList();
        var input = new ReportInput(cycle.Plan, invalid, target.Branch, target.Commit, desired.Render, declared);

        ReportResult result;
        try
        {
            var port = new OctokitGitHubPort(target.GitHub, TimeProvider.System);
            result = await new GitHubReporter(port).ReportAsync(input, dryRun, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Not a GitHub answer (connection refused, DNS, TLS): nothing more was reported this run.
            await WriteAsync(error, target.Redact($"error: reporting to {target.Repository} failed ({e.GetType().Name}: {e.Message}); the next run retries it"), ct).ConfigureAwait(false);
            return 1;
        }

        await PrintAsync(error, result, dryRun, target, ct).ConfigureAwait(false);
        return result.Errors.Count > 0 ? 1 : run.ExitCode;
    }

    /// <summary>One line per action (<c>verb  target  detail</c>), each error with what failed, then a summary.</summary>
    private static async Task PrintAsync(TextWriter error, ReportResult result, bool dryRun, ReportTarget target, CancellationToken ct)
    {
        foreach (var action in result.Actions)
        {
            var what = action.Target == target.Commit ? $"the commit status of {action.Target}" : action.Target;
            var line = action.Verb == "error"
                ? $"error: reporting {what} to GitHub failed: {action.Detail}; not reported this run, the next run retries it"
                : $"{(dryRun && action.Verb != "skip" ? "would " : "")}{action.Verb}  {action.Target}  {action.Detail}";
            await WriteAsync(error, target.Redact(line), ct).ConfigureAwait(false);
        }

        if (result.Errors.Any(e => e.Detail.Contains("(401 ", StringComparison.Ordinal)))
        {
            await WriteAsync(error, $"hint: GitHub refused the token (401): check {ReportOptions.TokenVariable} or --github-token-file", ct).ConfigureAwait(false);
        }

        var writes = result.Writes.Count;
        var errors = result.Errors.Count;
        var summary = (dryRun, writes, errors) switch
        {
            (_, 0, 0) => $"GitHub {target.Repository} is up to date: nothing to write",
            (true, _, _) => $"dry run: {writes} GitHub write(s) to {target.Repository} would be made, {errors} error(s); nothing was written",
            _ => $"{writes} GitHub write(s) to {target.Repository}, {errors} error(s)",
        };
        await WriteAsync(error, summary, ct).ConfigureAwait(false);
        await error.FlushAsync(ct).ConfigureAwait(false);
    }

    private static Task WriteAsync(TextWriter writer, string line, CancellationToken ct) => writer.WriteLineAsync(line.AsMemory(), ct);
}
