using System.CommandLine;
using System.Text.RegularExpressions;
using Reconciler.Report.GitHub;
using Reconciler.Sources;

namespace Reconciler.Host.Commands;

/// <summary>
/// The GitHub options of <c>reconcile</c>: <c>--github-repo OWNER/NAME</c>, <c>--github-api URL</c>,
/// <c>--github-token-file FILE</c>, <c>--branch NAME</c>, <c>--commit SHA</c>, <c>--dry-run</c>; resolved,
/// with the token and the checkout's branch and commit, into a <see cref="ReportTarget"/>.
/// </summary>
public sealed class ReportOptions
{
    public const string DefaultApi = "https://api.github.com/";
    public const string TokenVariable = "GITHUB_TOKEN";

    private static readonly Regex CommitSha = new("^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly Regex BranchName = new(@"^[^\s~^:?*\[\\]+$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public Option<string?> GitHubRepo { get; } = new("--github-repo")
    {
        Description = "Report to this repository, OWNER/NAME: one drift issue per domain, id-bump pull requests, a commit status.",
    };

    public Option<string> GitHubApi { get; } = new("--github-api")
    {
        Description = "The GitHub API base URL (GitHub Enterprise: https://HOST/api/v3/).",
        DefaultValueFactory = _ => DefaultApi,
    };

    public Option<string?> TokenFile { get; } = new("--github-token-file")
    {
        Description = "Read the GitHub token from this file (trimmed); else the " + TokenVariable + " variable. Never printed.",
    };

    public Option<string?> Branch { get; } = new("--branch")
    {
        Description = "The config branch the id-bump pull requests target (default: the checkout's current branch, else main).",
    };

    public Option<string?> Commit { get; } = new("--commit")
    {
        Description = "The config commit the status goes on (default: the checkout's HEAD).",
    };

    public Option<bool> DryRun { get; } = new("--dry-run")
    {
        Description = "Read GitHub and list what would be written, write nothing. Without --github-repo: only plan.",
    };

    public ReportOptions()
    {
        GitHubRepo.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && GitHubOptions.ParseRepository(value) is null)
            {
                r.AddError($"--github-repo {value}: expected OWNER/NAME");
            }
        });
        GitHubApi.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                r.AddError($"--github-api {value}: expected an absolute http(s) URL");
            }
        });
        Commit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && !CommitSha.IsMatch(value))
            {
                r.AddError($"--commit {value}: expected a full commit SHA (40 or 64 hex digits)");
            }
        });
        Branch.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && !BranchName.IsMatch(value))
            {
                r.AddError($"--branch {value}: not a valid branch name");
            }
        });
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(GitHubRepo);
        command.Options.Add(GitHubApi);
        command.Options.Add(TokenFile);
        command.Options.Add(Branch);
        command.Options.Add(Commit);
        command.Options.Add(DryRun);
    }

    /// <summary>
    /// The report target for the checkout at <paramref name="checkout"/>, or the reason there is none
    /// (no token, an unreadable token file, no commit). Null and null when <c>--github-repo</c> is not given.
    /// The reason never contains the token.
    /// </summary>
    public (ReportTarget? Target, string? Error) Resolve(ParseResult parseResult, string checkout, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        if (parseResult.GetValue(GitHubRepo) is not { } repository)
        {
            return (null, null);
        }

        var (owner, name) = GitHubOptions.ParseRepository(repository)!.Value;
        var (token, tokenError) = ReadToken(parseResult.GetValue(TokenFile), environment);
        if (token is null)
        {
            return (null, tokenError);
        }

        var directory = Path.GetFullPath(checkout);
        var commit = parseResult.GetValue(Commit)?.ToLowerInvariant() ?? GitRevision.Read(directory);
        if (commit is null)
        {
            return (null, $"cannot tell the config commit of '{checkout}' (not a git checkout?): pass --commit SHA");
        }

        var branch = parseResult.GetValue(Branch) ?? CurrentBranch(directory) ?? "main";
        var api = parseResult.GetValue(GitHubApi) ?? DefaultApi;
        return (new ReportTarget($"{owner}/{name}", branch, commit, new GitHubOptions(api, owner, name, token)), null);
    }

    /// <summary>The token from the file (when given) or the environment, trimmed; or why there is none.</summary>
    internal static (string? Token, string? Error) ReadToken(string? file, Func<string, string?> environment)
    {
        string? token;
        string source;
        if (file is not null)
        {
            source = $"--github-token-file {file}";
            try
            {
                token = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return (null, $"{source}: cannot be read ({e.GetType().Name})");
            }
        }
        else
        {
            source = TokenVariable;
            token = environment(TokenVariable)?.Trim();
        }

        if (string.IsNullOrEmpty(token))
        {
            return (null, file is null
                ? $"no GitHub token: set {TokenVariable} or pass --github-token-file FILE"
                : $"{source}: the file is empty");
        }

        // A header cannot carry these; HttpClient would refuse it with a message that quotes the value.
        return token.All(c => c is > ' ' and < '\u007f')
            ? (token, null)
            : (null, $"the GitHub token from {source} contains spaces or control or non-ASCII characters");
    }

    /// <summary>The branch a checkout is on (<c>ref: refs/heads/NAME</c> in HEAD); null when detached or not a checkout.</summary>
    internal static string? CurrentBranch(string directory)
    {
        var dotGit = Path.Combine(directory, ".git");
        string? gitDir = Directory.Exists(dotGit) ? dotGit : null;
        if (gitDir is null && File.Exists(dotGit) && File.ReadAllText(dotGit).Trim() is var link && link.StartsWith("gitdir:", StringComparison.Ordinal))
        {
            gitDir = Path.GetFullPath(link["gitdir:".Length..].Trim(), directory);
        }

        var head = gitDir is null ? null : Path.Combine(gitDir, "HEAD");
        if (head is null || !File.Exists(head))
        {
            return null;
        }

        const string prefix = "ref: refs/heads/";
        var text = File.ReadAllText(head).Trim();
        return text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length ? text[prefix.Length..] : null;
    }
}

/// <summary>
/// Where <c>reconcile</c> reports: the repository, the config branch and commit, and the client settings.
/// Not a record on purpose: its text (<see cref="ToString"/>) must never show the token.
/// </summary>
public sealed class ReportTarget(string repository, string branch, string commit, GitHubOptions gitHub)
{
    public string Repository { get; } = repository;

    public string Branch { get; } = branch;

    public string Commit { get; } = commit;

    public GitHubOptions GitHub { get; } = gitHub;

    /// <summary><paramref name="text"/> with every occurrence of the token replaced by <c>***</c>.</summary>
    public string Redact(string text) =>
        string.IsNullOrEmpty(text) ? text : text.Replace(GitHub.Token, "***", StringComparison.Ordinal);

    public override string ToString() => $"{Repository} at {GitHub.ApiUrl} (branch {Branch}, commit {Commit})";
}
