namespace Reconciler.Report.GitHub;

/// <summary>
/// How to reach one repository. <see cref="MaxWait"/> bounds any single rate-limit or
/// <c>Retry-After</c> wait; a longer wait fails the call instead.
/// </summary>
public sealed record GitHubOptions(string ApiUrl, string Owner, string Repository, string Token)
{
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; init; } = 4;

    /// <summary>First backoff for 5xx; doubles per try.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(5);

    public int PageSize { get; init; } = 100;

    /// <summary>Never the token: a record's generated ToString would print it in any log or exception.</summary>
    public override string ToString() => $"GitHubOptions {{ ApiUrl = {ApiUrl}, Repository = {Owner}/{Repository}, Token = *** }}";

    /// <summary>"owner/name" split into its parts; null when malformed.</summary>
    public static (string Owner, string Name)? ParseRepository(string ownerSlashName)
    {
        var parts = ownerSlashName.Split('/');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }
}
