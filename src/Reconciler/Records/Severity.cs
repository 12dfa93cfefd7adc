namespace Reconciler.Records;

/// <summary>How bad a problem is. Only <see cref="Error"/> and <see cref="Critical"/> make drift.</summary>
public enum Severity
{
    Warning,
    Error,
    /// <summary>Mail will bounce or be rejected.</summary>
    Critical,
}
