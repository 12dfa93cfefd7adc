namespace Reconciler.Desired;

/// <summary>One file of the config repository: its path relative to the root ('/' separators) and its bytes.</summary>
public sealed record DesiredFile(string Path, byte[] Content);
