using System.CommandLine;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Records;
using Reconciler.Report.GitHub;
using Reconciler.Sources;

namespace Reconciler.Host.Commands;

/// <summary>
/// <c>reconciler reconcile [plan options] [--github-repo OWNER/NAME] [--github-api URL] [--github-token-file FILE]
/// [--branch NAME] [--commit SHA] [--dry-run]</c>: one pass of <c>plan</c>, then the plan reported to GitHub (drift issues,
/// id-bump PRs, the commit status). The token comes from the file or <c>GITHUB_TOKEN</c> and is never printed.
/// A config without any loadable domain file is not an empty fleet: nothing is reported then.
/// Exit codes as <c>plan</c>, and 1 when GitHub could not be told everything.
/// </summary>
public static class ReconcileCommand
{
    public const string TokenVariable = "GITHUB_TOKEN";

    public static Command Create()
    {
        var repo = ValidateCommand.RepoOption();
        var domains = PlanCommand.DomainOption();
        var format = PlanCommand.FormatOption();
        var observe = new ObserveOptions();
        var gitHubRepo = new Option<string?>("--github-repo") { Description = "Report to this repository (OWNER/NAME); without it, only the plan is printed." };
        var api = new Option<string>("--github-api") { Description = "GitHub API base URL (GitHub Enterprise).", DefaultValueFactory = _ => "https://api.github.com/" };
        var tokenFile = new Option<string?>("--github-token-file") { Description = "Read the GitHub token from this file (else GITHUB_TOKEN)." };
        var branch = new Option<string>("--branch") { Description = "The config branch id-bump PRs target (default main).", DefaultValueFactory = _ => "main" };
        var commit = new Option<string?>("--commit") { Description = "The config commit the status is set on (default: the checkout's HEAD)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan and list the GitHub actions without writing." };
        var command = new Command("reconcile", "Plan, then report drift to GitHub as issues, id-bump pull requests and a commit status.");
        foreach (var option in new Option[] { repo, domains, format, gitHubRepo, api, tokenFile, branch, commit, dryRun })
        {
            command.Options.Add(option);
        }

        observe.AddTo(command);
        command.SetAction((r, ct) => RunAsync(r, new Settings(r.GetValue(repo) ?? ".", r.GetValue(domains) ?? [], r.GetValue(format) ?? "text",
            r.GetValue(gitHubRepo), r.GetValue(api) ?? "https://api.github.com/", r.GetValue(tokenFile), r.GetValue(branch) ?? "main", r.GetValue(commit), r.GetValue(dryRun)), observe, ct));
        return command;
    }

    private sealed record Settings(string Directory, string[] Domains, string Format, string? GitHubRepo, string Api, string? TokenFile, string Branch, string? Commit, bool DryRun);

    private static async Task<int> RunAsync(ParseResult parseResult, Settings settings, ObserveOptions observe, CancellationToken ct)
    {
        var error = parseResult.InvocationConfiguration.Error;
        async Task<int> Fail(string message)
        {
            await error.WriteLineAsync($"error: {message}".AsMemory(), ct).ConfigureAwait(false);
            return 1;
        }

        if (!Directory.Exists(settings.Directory))
        {
            return await Fail($"the repository directory '{settings.Directory}' does not exist").ConfigureAwait(false);
        }

        GitHubOptions? gitHub = null;
        if (settings.GitHubRepo is not null)
        {
            if (GitHubOptions.ParseRepository(settings.GitHubRepo) is not { } ownerName)
            {
                return await Fail($"--github-repo '{settings.GitHubRepo}' is not OWNER/NAME").ConfigureAwait(false);
            }

            string? token;
            try
            {
                token = settings.TokenFile is null ? Environment.GetEnvironmentVariable(TokenVariable)?.Trim() : (await File.ReadAllTextAsync(settings.TokenFile, ct).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return await Fail($"cannot read --github-token-file '{settings.TokenFile}' ({e.GetType().Name})").ConfigureAwait(false);
            }

            if (string.IsNullOrEmpty(token))
            {
                return await Fail($"no GitHub token: set {TokenVariable} or --github-token-file").ConfigureAwait(false);
            }

            gitHub = new GitHubOptions(settings.Api, ownerName.Owner, ownerName.Name, token);
        }

        var desired = DesiredStateLoader.Load(settings.Directory);
        foreach (var diagnostic in desired.Diagnostics.Where(d => d.Severity >= Severity.Error))
        {
            await error.WriteLineAsync(diagnostic.ToString().AsMemory(), ct).ConfigureAwait(false);
        }

        var names = settings.Domains.Select(DnsName.Normalize).Distinct(StringComparer.Ordinal).ToList();
        var undeclared = names.Where(n => desired.Domains.All(d => d.Domain != n) && desired.Invalid.All(i => i.Domain != n)).ToList();
        if (undeclared.Count > 0)
        {
            return await Fail($"not declared under {settings.Directory}/domains/: {string.Join(", ", undeclared)}").ConfigureAwait(false);
        }

        LiveObserverOptions options;
        try
        {
            options = await observe.BindAsync(parseResult, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
        {
            return await Fail(e.Message).ConfigureAwait(false);
        }

        CycleResult result;
        using (var observer = new LiveObserver(options))
        {
            result = await new ReconcileCycle(observer, TimeProvider.System).RunAsync(desired, names, ct).ConfigureAwait(false);
        }

        await PlanCommand.WriteAsync(parseResult.InvocationConfiguration.Output, settings.Format, result.Plan, desired, ct).ConfigureAwait(false);
        if (gitHub is null)
        {
            await error.WriteLineAsync("no --github-repo: nothing reported to GitHub".AsMemory(), ct).ConfigureAwait(false);
            return result.ExitCode;
        }

        if (desired.Domains.Count + desired.Invalid.Count == 0)
        {
            return await Fail("no domain file could be loaded, so nothing is reported to GitHub (an unreadable config is not an empty fleet); fix the config and run again").ConfigureAwait(false);
        }

        var sha = settings.Commit ?? GitRevision.Read(Path.GetFullPath(settings.Directory));
        if (sha is null)
        {
            return await Fail($"'{settings.Directory}' is not a git checkout and no --commit was given, so the config commit is unknown; nothing is reported to GitHub").ConfigureAwait(false);
        }

        var declared = desired.Domains.Select(d => d.Domain).Concat(desired.Invalid.Select(i => i.Domain)).ToList();
        var input = new ReportInput(result.Plan, desired.Invalid, settings.Branch, sha, desired.Render, declared);
        var port = new OctokitGitHubPort(gitHub, TimeProvider.System);
        ReportResult report;
        try
        {
            report = await new GitHubReporter(port).ReportAsync(input, settings.DryRun, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is GitHubApiException or HttpRequestException)
        {
            return await Fail($"GitHub reporting failed ({e.Message}); nothing more was written, the next run starts again from what GitHub holds").ConfigureAwait(false);
        }

        foreach (var action in report.Actions)
        {
            await error.WriteLineAsync($"github{(settings.DryRun ? " (dry run)" : "")}: {action}".AsMemory(), ct).ConfigureAwait(false);
        }

        if (report.Errors.Count > 0)
        {
            await error.WriteLineAsync($"{report.Errors.Count} GitHub action(s) failed; the next run retries them".AsMemory(), ct).ConfigureAwait(false);
            return 1;
        }

        return result.ExitCode;
    }
}
