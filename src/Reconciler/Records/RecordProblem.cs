namespace Reconciler.Records;

/// <summary>One thing wrong with a record, naming the rule it breaks (e.g. "RFC 7208 §4.6.4").</summary>
public sealed record RecordProblem(Severity Severity, string Rule, string Message)
{
    public override string ToString() => $"{Message} ({Rule})";
}

/// <summary>
/// The result of parsing a record: the value when it could be parsed, and every problem found.
/// A value can come with warnings; an error means the value is null or unusable.
/// </summary>
public sealed record ParseResult<T>(T? Value, IReadOnlyList<RecordProblem> Problems) where T : class
{
    public bool Ok => Value is not null && !Problems.Any(p => p.Severity >= Severity.Error);

    public static ParseResult<T> Success(T value, IReadOnlyList<RecordProblem>? warnings = null) =>
        new(value, warnings ?? []);

    public static ParseResult<T> Failure(string rule, string message) =>
        new(null, [new RecordProblem(Severity.Error, rule, message)]);
}
