using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>The <c>tls-rpt</c> check (RFC 8460 §3): exactly one valid <c>_smtp._tls</c> record with the declared destinations.</summary>
public static class TlsRptDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.TlsRpt is null)
        {
            yield break;
        }

        var name = $"_smtp._tls.{spec.Domain}";
        var declared = new TlsRptRecord(spec.TlsRpt.Rua);
        var expected = declared.Render();
        switch (live.TlsRptTxt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                yield return DiffText.Unreachable(Checks.TlsRpt, name, unknown.Reason, "the TLS-RPT record");
                yield break;
            case Absent<IReadOnlyList<string>> absent:
                yield return Missing(name, expected, DiffText.Absence(absent.Kind));
                yield break;
        }

        var records = DiffText.Select(((Found<IReadOnlyList<string>>)live.TlsRptTxt).Value, TlsRptRecord.IsTlsRpt);
        if (records.Count == 0)
        {
            yield return Missing(name, expected, "no TXT record there starts with v=TLSRPTv1");
            yield break;
        }

        if (records.Count > 1)
        {
            yield return new Finding(Checks.TlsRpt, FindingKind.Invalid, Severity.Error, name, expected, DiffText.Joined(records),
                $"{records.Count} TXT records start with v=TLSRPTv1; senders must then assume TLS-RPT is not implemented (RFC 8460 §3)");
            yield break;
        }

        var parsed = TlsRptRecord.Parse(records[0]);
        if (!parsed.Ok || parsed.Value is null)
        {
            yield return new Finding(Checks.TlsRpt, FindingKind.Invalid, Severity.Error, name, expected, records[0],
                $"the TLS-RPT record is invalid: {DiffText.Describe(parsed.Problems)}");
            yield break;
        }

        if (!declared.SemanticEquals(parsed.Value))
        {
            yield return new Finding(Checks.TlsRpt, FindingKind.Mismatch, Severity.Error, name, expected, records[0],
                $"TLS reports go to {string.Join(", ", parsed.Value.Rua)}, declared {string.Join(", ", declared.Rua)}");
        }
    }

    private static Finding Missing(string name, string expected, string why) =>
        new(Checks.TlsRpt, FindingKind.Missing, Severity.Error, name, expected, null,
            $"the TLS-RPT record is not published ({why}); nobody receives reports of TLS failures");
}
