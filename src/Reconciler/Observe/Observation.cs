namespace Reconciler.Observe;

/// <summary>
/// What one lookup told us: <see cref="Found{T}"/>, <see cref="Absent{T}"/> (the name or the type
/// does not exist: decided) or <see cref="Unknown{T}"/> (could not tell: timeout, SERVFAIL, REFUSED,
/// connection failure). Unknown is never Absent.
/// </summary>
public abstract record Observation<T>;

public sealed record Found<T>(T Value) : Observation<T>;

public sealed record Absent<T>(AbsenceKind Kind) : Observation<T>;

public sealed record Unknown<T>(string Reason) : Observation<T>;

public enum AbsenceKind
{
    /// <summary>The name does not exist.</summary>
    NxDomain,
    /// <summary>The name exists but has no record of the type asked for.</summary>
    NoData,
}
