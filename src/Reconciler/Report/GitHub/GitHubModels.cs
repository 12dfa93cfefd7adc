namespace Reconciler.Report.GitHub;

/// <summary>An issue as far as the reporter cares (pull requests excluded).</summary>
public sealed record GhIssue(int Number, string Title, string Body, bool Open, IReadOnlyList<string> Labels, string Author);

/// <summary>Which issues a listing returns.</summary>
public enum GhIssueState
{
    Open,
    Closed,
    /// <summary>Open and closed: a listing that closing issues cannot shift, so none is skipped between pages.</summary>
    All,
}

/// <summary>Changes to an issue or pull request; null members stay as they are.</summary>
public sealed record GhEdit(string? Title = null, string? Body = null, bool? Open = null);

public sealed record GhComment(long Id, string Body, string Author);

/// <summary>A file at a ref: its text and blob sha.</summary>
public sealed record GhFile(string Path, string Content, string Sha);

public sealed record GhPullRequest(int Number, string Title, string Body, bool Open, string HeadRef, string HeadSha, string BaseRef);

/// <summary>A commit status; <see cref="State"/> is <c>success</c>, <c>failure</c>, <c>error</c> or <c>pending</c>.</summary>
public sealed record GhCommitStatus(string State, string Context, string? Description);

/// <summary>A GitHub call that failed for good (after retries), with the status and GitHub's own words.</summary>
public sealed class GitHubApiException : Exception
{
    public GitHubApiException(int statusCode, string message, Exception? inner = null)
        : base(message, inner) => StatusCode = statusCode;

    public GitHubApiException()
    {
    }

    public GitHubApiException(string message)
        : base(message)
    {
    }

    public GitHubApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status (422 validation, 401 bad token, 403 forbidden or rate limited, ...); 0 for a timeout.</summary>
    public int StatusCode { get; }

    public bool IsValidation => StatusCode == 422;
}
