namespace Reconciler.Report.GitHub;

/// <summary>
/// Everything the reporter needs from one GitHub repository. Implementations bound every call by a
/// timeout, honour cancellation, retry what is transient and throw <see cref="GitHubApiException"/>
/// for the rest. "Not found" is a null result, never an exception.
/// </summary>
public interface IGitHubPort
{
    /// <summary>The rate-limit budget left after the last call, when known (for metrics).</summary>
    int? RateLimitRemaining { get; }

    /// <summary>The login of the token's user.</summary>
    Task<string> GetCurrentLoginAsync(CancellationToken ct);

    /// <summary>The issues in <paramref name="state"/>, every page, with <paramref name="label"/> created by <paramref name="creator"/>.</summary>
    Task<IReadOnlyList<GhIssue>> ListIssuesAsync(string label, string creator, GhIssueState state, CancellationToken ct);

    Task<GhIssue> CreateIssueAsync(string title, string body, IReadOnlyList<string> labels, CancellationToken ct);

    /// <summary>Edits an issue (title, body, open/closed) in one call.</summary>
    Task<GhIssue> EditIssueAsync(int number, GhEdit edit, CancellationToken ct);

    /// <summary>All comments of an issue or pull request, oldest first.</summary>
    Task<IReadOnlyList<GhComment>> ListCommentsAsync(int number, CancellationToken ct);

    /// <summary>Comments on an issue or pull request.</summary>
    Task AddCommentAsync(int number, string body, CancellationToken ct);

    Task<bool> LabelExistsAsync(string name, CancellationToken ct);

    /// <summary>Creates a label; one that already exists (another replica won the race) is not an error.</summary>
    Task CreateLabelAsync(string name, string color, string description, CancellationToken ct);

    /// <summary>The commit sha at the head of <paramref name="branch"/>, or null when there is no such branch.</summary>
    Task<string?> GetBranchHeadAsync(string branch, CancellationToken ct);

    /// <summary>Creates <paramref name="branch"/> at <paramref name="sha"/>; fails with 422 when it exists.</summary>
    Task CreateBranchAsync(string branch, string sha, CancellationToken ct);

    /// <summary>Moves <paramref name="branch"/> to <paramref name="sha"/>; <paramref name="force"/> allows a non-fast-forward reset.</summary>
    Task UpdateBranchAsync(string branch, string sha, bool force, CancellationToken ct);

    /// <summary>A file at a branch, tag or sha; null when absent.</summary>
    Task<GhFile?> GetFileAsync(string path, string gitRef, CancellationToken ct);

    /// <summary>
    /// Creates one commit on top of <paramref name="parentSha"/> that writes <paramref name="files"/>
    /// (path to UTF-8 text) and returns its sha. No branch moves.
    /// </summary>
    Task<string> CreateCommitAsync(string parentSha, IReadOnlyDictionary<string, string> files, string message, CancellationToken ct);

    /// <summary>All open pull requests of the repository (every page).</summary>
    Task<IReadOnlyList<GhPullRequest>> ListOpenPullRequestsAsync(CancellationToken ct);

    /// <summary>Opens a pull request; 422 when one is already open for <paramref name="head"/>.</summary>
    Task<GhPullRequest> CreatePullRequestAsync(string title, string head, string baseBranch, string body, CancellationToken ct);

    Task<GhPullRequest> EditPullRequestAsync(int number, GhEdit edit, CancellationToken ct);

    /// <summary>The statuses of a commit, newest first.</summary>
    Task<IReadOnlyList<GhCommitStatus>> ListCommitStatusesAsync(string sha, CancellationToken ct);

    Task CreateCommitStatusAsync(string sha, GhCommitStatus status, CancellationToken ct);
}
