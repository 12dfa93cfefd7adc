using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// One domain's declaration and observation with what several checks and fix steps derive from them,
/// each worked out once on first use: the live <c>_mta-sts</c> records and their parse, the parse of every
/// fetched policy, <see cref="Diff.MtaStsLive"/>, and the declared policy with its text. Made per domain
/// by the planner and dropped with it; pure (no I/O, no clock, nothing shared between domains).
/// </summary>
internal sealed class DomainFacts(DomainSpec spec, LiveDomain live)
{
    private IReadOnlyList<string>? stsRecords;
    private ParseResult<MtaStsTxtRecord>? stsParsed;
    private ParseResult<MtaStsPolicy>?[]? policies;
    private MtaStsLive? mtaSts;
    private MtaStsPolicy? declaredPolicy;
    private string? declaredPolicyText;
    private bool? declaredEqualsLive;

    public DomainSpec Spec { get; } = spec;

    public LiveDomain Live { get; } = live;

    /// <summary>The live TXT records at <c>_mta-sts</c> that start with <c>v=STSv1</c>; empty unless they were found.</summary>
    public IReadOnlyList<string> MtaStsTxtRecords => stsRecords ??=
        Live.MtaStsTxt is Found<IReadOnlyList<string>> txt ? DiffText.Select(txt.Value, MtaStsTxtRecord.IsMtaSts) : [];

    /// <summary>The parse of the one <c>v=STSv1</c> record; null unless there is exactly one.</summary>
    public ParseResult<MtaStsTxtRecord>? MtaStsTxtParsed
    {
        get
        {
            if (stsParsed is null && MtaStsTxtRecords.Count == 1)
            {
                stsParsed = MtaStsTxtRecord.Parse(MtaStsTxtRecords[0]);
            }

            return stsParsed;
        }
    }

    /// <summary>The parse of the body of fetch <paramref name="index"/> (an empty body when there is none).</summary>
    public ParseResult<MtaStsPolicy> Policy(int index)
    {
        var fetches = Live.Policy!.Fetches;
        policies ??= new ParseResult<MtaStsPolicy>?[fetches.Count];
        return policies[index] ??= MtaStsPolicy.Parse(fetches[index].Body ?? "");
    }

    /// <summary>What senders take from the live MTA-STS state (<see cref="MtaStsLive.Read"/>).</summary>
    public MtaStsLive MtaSts => mtaSts ??= MtaStsLive.Read(Live, MtaStsTxtParsed, this);

    /// <summary>The declared policy as a record; only when MTA-STS is declared.</summary>
    public MtaStsPolicy DeclaredPolicy => declaredPolicy ??= MtaStsLive.Declared(Spec.MtaSts!);

    /// <summary>The declared policy file (<see cref="MtaStsPolicy.Render"/>).</summary>
    public string DeclaredPolicyText => declaredPolicyText ??= DeclaredPolicy.Render();

    /// <summary>True when a valid policy is published and it equals the declared one.</summary>
    public bool DeclaredEqualsLive =>
        declaredEqualsLive ??= MtaSts.Policy is { } published && DeclaredPolicy.SemanticEquals(published);
}
