using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// What senders would take from the live MTA-STS state: the id of the one valid <c>_mta-sts</c> TXT
/// record (null when there is none, several, or it is invalid or unknown), and the policy served by the
/// first address that returned a valid one (null when none did).
/// </summary>
public sealed record MtaStsLive(string? TxtId, MtaStsPolicy? Policy, string? PolicyBody)
{
    public static MtaStsLive Read(LiveDomain live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var sts = live.MtaStsTxt is Found<IReadOnlyList<string>> txt ? DiffText.Select(txt.Value, MtaStsTxtRecord.IsMtaSts) : [];
        return Read(live, sts.Count == 1 ? MtaStsTxtRecord.Parse(sts[0]) : null, null);
    }

    /// <summary>
    /// As <see cref="Read(LiveDomain)"/>, from the parse of the one <c>v=STSv1</c> record (null when there is not
    /// exactly one) and, when given, the policy parses <paramref name="facts"/> holds.
    /// </summary>
    internal static MtaStsLive Read(LiveDomain live, ParseResult<MtaStsTxtRecord>? txt, DomainFacts? facts)
    {
        var id = txt is { Ok: true, Value: { } record } ? record.Id : null;
        var fetches = live.Policy?.Fetches ?? [];
        for (var i = 0; i < fetches.Count; i++)
        {
            if (fetches[i] is { Status: PolicyFetchStatus.Ok, Body: { } body } &&
                (facts is null ? MtaStsPolicy.Parse(body) : facts.Policy(i)) is { Ok: true, Value: { } policy })
            {
                return new MtaStsLive(id, policy, body);
            }
        }

        return new MtaStsLive(id, null, null);
    }

    /// <summary>The declared policy as a record (patterns as declared or derived from <c>mx</c>).</summary>
    public static MtaStsPolicy Declared(MtaStsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new MtaStsPolicy(spec.Mode, spec.MaxAge, spec.MxPatterns);
    }

    /// <summary>True when a valid policy is published and it differs from the declared one.</summary>
    public bool PolicyDiffersFrom(MtaStsSpec spec) => Policy is not null && !Declared(spec).SemanticEquals(Policy);
}
