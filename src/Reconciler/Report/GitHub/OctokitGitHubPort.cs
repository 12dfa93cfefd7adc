using System.Globalization;
using System.Net;
using Octokit;
using Polly;

namespace Reconciler.Report.GitHub;

/// <summary>
/// <see cref="IGitHubPort"/> over Octokit: the only file that knows Octokit. Every call runs through
/// a Polly pipeline (rate limits honoured, 5xx backed off, 422 reported with GitHub's errors) and is
/// bounded by <see cref="GitHubOptions.CallTimeout"/> and the caller's token.
/// </summary>
public sealed class OctokitGitHubPort : IGitHubPort
{
    private readonly GitHubClient _client;
    private readonly GitHubOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;
    private int _rateLimitRemaining = -1;

    public OctokitGitHubPort(GitHubOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _client = new GitHubClient(new ProductHeaderValue("reconciler"), new Uri(options.ApiUrl))
        {
            Credentials = new Credentials(options.Token),
        };
        _pipeline = GitHubResilience.Build(options, Classify, time);
    }

    public int? RateLimitRemaining => Volatile.Read(ref _rateLimitRemaining) is var r and >= 0 ? r : null;

    private string Owner => _options.Owner;

    private string Repo => _options.Repository;

    private ApiOptions Pages => new() { PageSize = _options.PageSize };

    public Task<string> GetCurrentLoginAsync(CancellationToken ct) =>
        Call(async () => (await _client.User.Current().ConfigureAwait(false)).Login, ct);

    public Task<IReadOnlyList<GhIssue>> ListIssuesAsync(string label, string creator, GhIssueState state, CancellationToken ct) =>
        Call(async () =>
        {
            var filter = state switch
            {
                GhIssueState.Open => ItemStateFilter.Open,
                GhIssueState.Closed => ItemStateFilter.Closed,
                _ => ItemStateFilter.All,
            };
            var request = new RepositoryIssueRequest { State = filter, Creator = creator };
            request.Labels.Add(label);
            var issues = await _client.Issue.GetAllForRepository(Owner, Repo, request, Pages).ConfigureAwait(false);
            return (IReadOnlyList<GhIssue>)issues.Where(i => i.PullRequest is null).Select(ToIssue).ToList();
        }, ct);

    public Task<GhIssue> CreateIssueAsync(string title, string body, IReadOnlyList<string> labels, CancellationToken ct) =>
        Call(async () =>
        {
            var issue = new NewIssue(title) { Body = body };
            foreach (var l in labels)
            {
                issue.Labels.Add(l);
            }

            return ToIssue(await _client.Issue.Create(Owner, Repo, issue).ConfigureAwait(false));
        }, ct);

    public Task<GhIssue> EditIssueAsync(int number, GhEdit edit, CancellationToken ct) =>
        Call(async () =>
        {
            // IssueUpdate always sends a milestone; start from the issue so a person's milestone,
            // labels and assignees survive the edit.
            var update = (await _client.Issue.Get(Owner, Repo, number).ConfigureAwait(false)).ToUpdate();
            update.Title = edit.Title ?? update.Title;
            update.Body = edit.Body ?? update.Body;
            if (edit.Open is { } open)
            {
                update.State = open ? ItemState.Open : ItemState.Closed;
            }

            return ToIssue(await _client.Issue.Update(Owner, Repo, number, update).ConfigureAwait(false));
        }, ct);

    public Task<IReadOnlyList<GhComment>> ListCommentsAsync(int number, CancellationToken ct) =>
        Call(async () =>
        {
            var comments = await _client.Issue.Comment.GetAllForIssue(Owner, Repo, number, Pages).ConfigureAwait(false);
            return (IReadOnlyList<GhComment>)comments.Select(c => new GhComment(c.Id, c.Body ?? "", c.User?.Login ?? "")).ToList();
        }, ct);

    public Task AddCommentAsync(int number, string body, CancellationToken ct) =>
        Call(async () => await _client.Issue.Comment.Create(Owner, Repo, number, body).ConfigureAwait(false), ct);

    public Task<bool> LabelExistsAsync(string name, CancellationToken ct) =>
        Call(async () => await Found(_client.Issue.Labels.Get(Owner, Repo, name)).ConfigureAwait(false) is not null, ct);

    public Task CreateLabelAsync(string name, string color, string description, CancellationToken ct) =>
        Call(async () =>
        {
            try
            {
                return await _client.Issue.Labels.Create(Owner, Repo, new NewLabel(name, color) { Description = description }).ConfigureAwait(false);
            }
            catch (ApiValidationException ex) when (ex.ApiError?.Errors?.Any(e => e.Code == "already_exists") == true)
            {
                return null;
            }
        }, ct);

    public Task<string?> GetBranchHeadAsync(string branch, CancellationToken ct) =>
        Call(async () => (await Found(_client.Git.Reference.Get(Owner, Repo, "heads/" + branch)).ConfigureAwait(false))?.Object?.Sha, ct);

    public Task CreateBranchAsync(string branch, string sha, CancellationToken ct) =>
        Call(() => _client.Git.Reference.Create(Owner, Repo, new NewReference("refs/heads/" + branch, sha)), ct);

    public Task UpdateBranchAsync(string branch, string sha, bool force, CancellationToken ct) =>
        Call(() => _client.Git.Reference.Update(Owner, Repo, "heads/" + branch, new ReferenceUpdate(sha, force)), ct);

    public Task<GhFile?> GetFileAsync(string path, string gitRef, CancellationToken ct) =>
        Call(async () =>
        {
            var found = await Found(_client.Repository.Content.GetAllContentsByRef(Owner, Repo, path, gitRef)).ConfigureAwait(false);
            var file = found?.FirstOrDefault(c => c.Type.Value == ContentType.File);
            return file is null ? null : new GhFile(file.Path, file.Content ?? "", file.Sha);
        }, ct);

    public Task<string> CreateCommitAsync(string parentSha, IReadOnlyDictionary<string, string> files, string message, CancellationToken ct) =>
        Call(async () =>
        {
            var parent = await _client.Git.Commit.Get(Owner, Repo, parentSha).ConfigureAwait(false);
            var tree = new NewTree { BaseTree = parent.Tree.Sha };
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                tree.Tree.Add(new NewTreeItem { Path = path, Mode = "100644", Type = TreeType.Blob, Content = content });
            }

            var created = await _client.Git.Tree.Create(Owner, Repo, tree).ConfigureAwait(false);
            var commit = await _client.Git.Commit.Create(Owner, Repo, new NewCommit(message, created.Sha, parentSha)).ConfigureAwait(false);
            return commit.Sha;
        }, ct);

    public Task<IReadOnlyList<GhPullRequest>> ListOpenPullRequestsAsync(CancellationToken ct) =>
        Call(async () =>
        {
            var prs = await _client.PullRequest.GetAllForRepository(Owner, Repo, new PullRequestRequest { State = ItemStateFilter.Open }, Pages).ConfigureAwait(false);
            return (IReadOnlyList<GhPullRequest>)prs.Select(ToPullRequest).ToList();
        }, ct);

    public Task<GhPullRequest> CreatePullRequestAsync(string title, string head, string baseBranch, string body, CancellationToken ct) =>
        Call(async () => ToPullRequest(await _client.PullRequest.Create(Owner, Repo, new NewPullRequest(title, head, baseBranch) { Body = body }).ConfigureAwait(false)), ct);

    public Task<GhPullRequest> EditPullRequestAsync(int number, GhEdit edit, CancellationToken ct) =>
        Call(async () =>
        {
            var update = new PullRequestUpdate { Title = edit.Title, Body = edit.Body };
            if (edit.Open is { } open)
            {
                update.State = open ? ItemState.Open : ItemState.Closed;
            }

            return ToPullRequest(await _client.PullRequest.Update(Owner, Repo, number, update).ConfigureAwait(false));
        }, ct);

    public Task<IReadOnlyList<GhCommitStatus>> ListCommitStatusesAsync(string sha, CancellationToken ct) =>
        Call(async () =>
        {
            var statuses = await _client.Repository.Status.GetAll(Owner, Repo, sha, Pages).ConfigureAwait(false);
            return (IReadOnlyList<GhCommitStatus>)statuses
                .Select(s => new GhCommitStatus(s.State.StringValue, s.Context ?? "", s.Description)).ToList();
        }, ct);

    public Task CreateCommitStatusAsync(string sha, GhCommitStatus status, CancellationToken ct) =>
        Call(() => _client.Repository.Status.Create(Owner, Repo, sha, new NewCommitStatus
        {
            State = status.State switch
            {
                "success" => CommitState.Success,
                "failure" => CommitState.Failure,
                "error" => CommitState.Error,
                _ => CommitState.Pending,
            },
            Context = status.Context,
            Description = status.Description,
        }), ct);

    private static GhIssue ToIssue(Issue i) =>
        new(i.Number, i.Title ?? "", i.Body ?? "", i.State.Value == ItemState.Open,
            i.Labels?.Select(l => l.Name).ToList() ?? [], i.User?.Login ?? "");

    private static GhPullRequest ToPullRequest(PullRequest p) =>
        new(p.Number, p.Title ?? "", p.Body ?? "", p.State.Value == ItemState.Open,
            p.Head?.Ref ?? "", p.Head?.Sha ?? "", p.Base?.Ref ?? "");

    private static async Task<T?> Found<T>(Task<T> call)
        where T : class
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                async token => await call().WaitAsync(_options.CallTimeout, _time, token).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        catch (ApiValidationException ex)
        {
            var details = ex.ApiError?.Errors?.Select(e => $"{e.Resource}.{e.Field}: {e.Code}{(string.IsNullOrEmpty(e.Message) ? "" : " " + e.Message)}") ?? [];
            throw new GitHubApiException(422, $"GitHub rejected the request (422 {ex.Message}): {string.Join("; ", details)}", ex);
        }
        catch (ApiException ex)
        {
            throw new GitHubApiException((int)ex.StatusCode, $"GitHub call failed ({(int)ex.StatusCode} {ex.StatusCode}): {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new GitHubApiException(0, $"GitHub call timed out after {_options.CallTimeout.TotalSeconds:0.#}s", ex);
        }
        finally
        {
            if (_client.GetLastApiInfo()?.RateLimit is { } limit)
            {
                Volatile.Write(ref _rateLimitRemaining, limit.Remaining);
            }
        }
    }

    private RetryDecision Classify(Exception e)
    {
        switch (e)
        {
            case RateLimitExceededException rate:
                return RetryDecision.After(rate.Reset - _time.GetUtcNow() + TimeSpan.FromSeconds(1));
            case AbuseException abuse:
                return RetryDecision.After(TimeSpan.FromSeconds(abuse.RetryAfterSeconds ?? 60));
            case ApiValidationException or NotFoundException or AuthorizationException:
                return RetryDecision.No;
            case ApiException api when api.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests:
                if (RetryAfter(api) is { } wait)
                {
                    return RetryDecision.After(wait);
                }

                return api is SecondaryRateLimitExceededException || api.StatusCode == HttpStatusCode.TooManyRequests
                    ? RetryDecision.After(TimeSpan.FromSeconds(60))
                    : RetryDecision.No;
            case ApiException api when (int)api.StatusCode >= 500:
                return RetryDecision.Backoff;
            default:
                return RetryDecision.No;
        }
    }

    private static TimeSpan? RetryAfter(ApiException api)
    {
        var headers = api.HttpResponse?.Headers;
        if (headers is null)
        {
            return null;
        }

        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, "Retry-After", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }
}
