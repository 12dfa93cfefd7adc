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
        if (live.NsDisagreements.Count == 0)
        {
            return [];
        }

        return live.NsDisagreements
            .OrderBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.Type, StringComparer.Ordinal)
            .Select(Describe);
    }

    /// <summary>
    /// Servers that answer differently disagree (drift); a server that could not be asked (its answer
    /// an error) leaves the question undecided, unless the servers that did answer already differ.
    /// </summary>
    private static Finding Describe(NsDisagreement d)
    {
        var answers = string.Join(" | ", d.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"));
        var decided = d.Answers.Values.Where(v => !v.StartsWith(AuthoritativeServers.ErrorPrefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Count();
        return decided > 1
            ? new Finding(Checks.NsConsistency, FindingKind.Mismatch, Severity.Error, d.Name, null, answers,
                $"the authoritative servers give different {d.Type} answers for {d.Name}; resolvers see one or the other until they agree")
            : new Finding(Checks.NsConsistency, FindingKind.Unreachable, Severity.Error, d.Name, null, answers,
                $"not every authoritative server could be asked for {d.Name} {d.Type}; whether they agree is not decided");
    }
}
