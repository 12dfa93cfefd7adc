using Reconciler.Desired;

namespace Reconciler.Sources;

/// <summary>
/// Where desired state comes from: the I/O seam between the config repository and the loader.
/// Implementations read files only when the revision changes.
/// </summary>
public interface IDesiredSource
{
    /// <summary>A short description for logs (never a credential).</summary>
    string Describe();

    /// <summary>
    /// The revision the source is at (a commit SHA, or a content fingerprint when there is no Git
    /// metadata); cheap enough to poll. Null when it cannot be told yet (an empty git-sync volume).
    /// </summary>
    Task<string?> GetRevisionAsync(CancellationToken ct);

    /// <summary><c>reconciler.yaml</c> and <c>domains/*.y*ml</c> at the current revision.</summary>
    Task<DesiredSnapshot> ReadAsync(CancellationToken ct);
}

/// <summary>The desired-state files at one revision, paths relative to the repository root with '/'.</summary>
public sealed record DesiredSnapshot(string Revision, IReadOnlyList<DesiredFile> Files);

/// <summary>A desired source could not be read; the message says what and where, never a credential.</summary>
public sealed class DesiredSourceException : Exception
{
    public DesiredSourceException(string message)
        : base(message)
    {
    }

    public DesiredSourceException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DesiredSourceException()
    {
    }
}
