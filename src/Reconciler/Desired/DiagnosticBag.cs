using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>Collects the diagnostics of one load; every reader adds to it and none stops at the first.</summary>
internal sealed class DiagnosticBag
{
    private List<Diagnostic>? items; // most files have no problem: the list is made at the first one

    public IReadOnlyList<Diagnostic> Items => items ?? (IReadOnlyList<Diagnostic>)[];

    public void Add(Diagnostic diagnostic) => (items ??= []).Add(diagnostic);

    public void Error(YamlNode at, string message) => Add(new Diagnostic(Severity.Error, at.File, at.Line, at.Column, message));

    public void Warning(YamlNode at, string message) => Add(new Diagnostic(Severity.Warning, at.File, at.Line, at.Column, message));

    public void Error(string file, int line, int column, string message) => Add(new Diagnostic(Severity.Error, file, line, column, message));
}
