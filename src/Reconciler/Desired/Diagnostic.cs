using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>A problem in the desired state, at <c>file:line:column</c> (1-based; 0 when a whole file is meant).</summary>
public sealed record Diagnostic(Severity Severity, string File, int Line, int Column, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Severity == Severity.Warning ? "warning" : "error")}: {Message}";
}
