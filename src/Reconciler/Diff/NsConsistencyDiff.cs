using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>The <c>ns-consistency</c> check (with --authoritative): every authoritative server gives the same answers.</summary>
public static class NsConsistencyDiff
{
    public static IEnumerable<Finding> Compare(LiveDomain live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return live.NsDisagreements
            .OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Type, StringComparer.Ordinal)
            .Select(d => new Finding(Checks.NsConsistency, FindingKind.Mismatch, Severity.Error, d.Name, null,
                string.Join(" | ", d.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}")),
                $"the authoritative servers give different {d.Type} answers for {d.Name}; resolvers see one or the other until they agree"));
    }
}
