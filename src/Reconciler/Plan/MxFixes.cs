using Reconciler.Desired;
using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>MX steps: removals first, additions after the policy covers the new hosts.</summary>
internal static class MxFixes
{
    public static IEnumerable<string> Removals(DomainSpec spec, IReadOnlyList<Finding> findings)
    {
        var removed = findings.Where(f => f is { Check: Checks.Mx, Kind: FindingKind.Unexpected, Actual: not null }).Select(f => f.Actual!).ToList();
        if (removed.Count > 0)
        {
            yield return "Remove these MX records first, before any MTA-STS policy change stops covering them:\n" +
                string.Join("\n", removed.Select(r => ZoneText.Record(spec.Domain, "MX", Rdata(r))));
        }
    }

    /// <summary>The hosts the MX steps remove.</summary>
    public static HashSet<string> Removed(IReadOnlyList<Finding> findings) =>
        findings.Where(f => f is { Check: Checks.Mx, Kind: FindingKind.Unexpected, Actual: not null })
            .Select(f => f.Actual![(f.Actual!.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToHashSet(StringComparer.Ordinal);

    public static IEnumerable<string> Additions(DomainSpec spec, IReadOnlyList<Finding> findings, bool afterPolicy)
    {
        var added = findings.Where(f => f is { Check: Checks.Mx, Kind: FindingKind.Missing or FindingKind.Mismatch, Expected: not null })
            .Select(f => f.Expected!).ToList();
        if (added.Count > 0)
        {
            var prefix = afterPolicy ? "Only then add these MX records (the policy above covers them)" : "Publish these MX records";
            yield return $"{prefix}:\n" + string.Join("\n", added.Select(r => ZoneText.Record(spec.Domain, "MX", Rdata(r))));
        }
    }

    private static string Rdata(string shown)
    {
        var space = shown.IndexOf(' ', StringComparison.Ordinal);
        return $"{shown[..space]} {shown[(space + 1)..]}.";
    }
}
