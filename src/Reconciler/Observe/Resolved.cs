using DnsClient.Protocol;

namespace Reconciler.Observe;

/// <summary>
/// One DNS query's outcome before CNAME handling: the answer records, or that the name does not
/// exist, or why nothing could be decided (<see cref="Error"/>).
/// </summary>
internal sealed record RawAnswer(IReadOnlyList<DnsResourceRecord> Records, bool NxDomain, string? Error, string Server);

/// <summary>A lookup after following CNAMEs: the chain of targets and the records at its end.</summary>
internal sealed record Resolved(IReadOnlyList<string> Chain, Observation<IReadOnlyList<DnsResourceRecord>> Records);

internal static class ObservationExtensions
{
    public static Observation<TOut> Map<TIn, TOut>(this Observation<TIn> observation, Func<TIn, TOut> map) => observation switch
    {
        Found<TIn> found => new Found<TOut>(map(found.Value)),
        Absent<TIn> absent => new Absent<TOut>(absent.Kind),
        Unknown<TIn> unknown => new Unknown<TOut>(unknown.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(observation)),
    };
}
