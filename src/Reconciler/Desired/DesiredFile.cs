namespace Reconciler.Desired;

/// <summary>
/// One file of the config repository: <see cref="Path"/> relative to the repository root with
/// <c>/</c> separators (<c>domains/example.com.yaml</c>, <c>reconciler.yaml</c>), and its raw bytes.
/// </summary>
public sealed record DesiredFile(string Path, byte[] Content);
