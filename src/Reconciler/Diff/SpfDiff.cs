using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>spf</c> check (RFC 7208): one valid apex SPF record equal to the declared one, whose
/// include/redirect tree stays within 10 DNS lookups and 2 void lookups.
/// </summary>
public static class SpfDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Spf is null)
        {
            return [];
        }

        var name = spec.Domain;
        var expected = spec.Spf;
        switch (live.ApexTxt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                return [DiffText.Unreachable(Checks.Spf, name, unknown.Reason, "the apex TXT records")];
            case Absent<IReadOnlyList<string>> absent:
                return [Missing(name, expected, DiffText.Absence(absent.Kind))];
        }

        var records = DiffText.Select(((Found<IReadOnlyList<string>>)live.ApexTxt).Value, SpfRecord.IsSpf);
        if (records.Count == 0)
        {
            return [Missing(name, expected, "no TXT record there starts with v=spf1")];
        }

        if (records.Count > 1)
        {
            return [new Finding(Checks.Spf, FindingKind.Invalid, Severity.Critical, name, expected, DiffText.Joined(records),
                $"{records.Count} SPF records are published; receivers evaluate that as permerror (RFC 7208 §4.5) and may reject mail")];
        }

        var findings = new List<Finding>();
        var parsed = SpfRecord.Parse(records[0]);
        if (!parsed.Ok || parsed.Value is null)
        {
            findings.Add(new Finding(Checks.Spf, FindingKind.Invalid, Severity.Critical, name, expected, records[0],
                $"the SPF record is invalid, receivers evaluate it as permerror: {DiffText.Describe(parsed.Problems)}"));
        }
        else
        {
            // Published as declared (the usual case): the declared record is the one just parsed.
            var declared = string.Equals(records[0], expected, StringComparison.Ordinal) ? parsed : SpfRecord.Parse(expected);
            if (declared.Value is null || !declared.Value.SemanticEquals(parsed.Value))
            {
                findings.Add(new Finding(Checks.Spf, FindingKind.Mismatch, Severity.Error, name, expected, records[0],
                    "the published SPF record differs from the declared one"));
            }
        }

        findings.AddRange(Tree(name, records[0], live.SpfTree));
        return findings;
    }

    private static IEnumerable<Finding> Tree(string name, string record, Observation<SpfTree>? tree)
    {
        switch (tree)
        {
            case Unknown<SpfTree> unknown:
                yield return DiffText.Unreachable(Checks.Spf, name, unknown.Reason, "the SPF include tree");
                break;
            case Found<SpfTree> { Value: var t }:
                if (t.DnsLookups > 10)
                {
                    yield return new Finding(Checks.Spf, FindingKind.Invalid, Severity.Critical, name, "at most 10 DNS lookups", $"{t.DnsLookups} DNS lookups",
                        $"evaluating the SPF record takes {t.DnsLookups} DNS lookups across its includes; more than 10 is permerror (RFC 7208 §4.6.4)");
                }

                if (t.VoidLookups > 2)
                {
                    yield return new Finding(Checks.Spf, FindingKind.Invalid, Severity.Critical, name, "at most 2 void lookups", $"{t.VoidLookups} void lookups",
                        $"evaluating the SPF record meets {t.VoidLookups} void lookups; more than 2 is permerror (RFC 7208 §4.6.4)");
                }

                foreach (var problem in t.Problems)
                {
                    yield return new Finding(Checks.Spf, FindingKind.Invalid, Severity.Error, name, null, record,
                        $"the SPF include tree is broken: {problem} (RFC 7208 §5.2)");
                }

                break;
        }
    }

    private static Finding Missing(string name, string expected, string why) =>
        new(Checks.Spf, FindingKind.Missing, Severity.Error, name, expected, null, $"no SPF record is published ({why})");
}
