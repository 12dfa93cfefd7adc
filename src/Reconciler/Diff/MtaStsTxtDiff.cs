using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>The <c>mta-sts-txt</c> check (RFC 8461 §3.1): exactly one valid <c>_mta-sts</c> record with the declared id.</summary>
public static class MtaStsTxtDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live) => Compare(new DomainFacts(spec, live));

    internal static IEnumerable<Finding> Compare(DomainFacts facts)
    {
        var spec = facts.Spec;
        var live = facts.Live;
        if (spec.MtaSts is null)
        {
            yield break;
        }

        var name = $"_mta-sts.{spec.Domain}";
        var expected = new MtaStsTxtRecord(spec.MtaSts.Id).Render();
        switch (live.MtaStsTxt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                yield return DiffText.Unreachable(Checks.MtaStsTxt, name, unknown.Reason, "the _mta-sts TXT record");
                yield break;
            case Absent<IReadOnlyList<string>> absent:
                yield return Missing(name, expected, DiffText.Absence(absent.Kind));
                yield break;
        }

        var records = facts.MtaStsTxtRecords;
        if (records.Count == 0)
        {
            yield return Missing(name, expected, "no TXT record there starts with v=STSv1");
            yield break;
        }

        if (records.Count > 1)
        {
            yield return new Finding(Checks.MtaStsTxt, FindingKind.Invalid, Severity.Error, name, expected, DiffText.Joined(records),
                $"{records.Count} TXT records start with v=STSv1; senders must then assume the domain has no MTA-STS policy (RFC 8461 §3.1)");
            yield break;
        }

        var parsed = facts.MtaStsTxtParsed!;
        if (!parsed.Ok || parsed.Value is null)
        {
            yield return new Finding(Checks.MtaStsTxt, FindingKind.Invalid, Severity.Error, name, expected, records[0],
                $"the _mta-sts record is invalid, so senders ignore MTA-STS: {DiffText.Describe(parsed.Problems)}");
            yield break;
        }

        if (!string.Equals(parsed.Value.Id, spec.MtaSts.Id, StringComparison.Ordinal))
        {
            yield return new Finding(Checks.MtaStsTxt, FindingKind.Mismatch, Severity.Error, name, expected, records[0],
                $"the published id is {parsed.Value.Id}, declared {spec.MtaSts.Id}");
        }
    }

    private static Finding Missing(string name, string expected, string why) =>
        new(Checks.MtaStsTxt, FindingKind.Missing, Severity.Error, name, expected, null,
            $"the _mta-sts TXT record is not published ({why}); senders do not use MTA-STS for this domain");
}
