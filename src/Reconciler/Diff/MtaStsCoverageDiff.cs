using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>mta-sts-mx-coverage</c> check (RFC 8461 §4.1): every live MX host is matched by a pattern of the
/// published policy (critical in enforce: senders refuse to deliver to it; a warning in testing), and by the
/// declared policy when that is still to be published.
/// </summary>
public static class MtaStsCoverageDiff
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

        IReadOnlyList<string> hosts;
        switch (live.Mx)
        {
            case Unknown<IReadOnlyList<MxRecord>> unknown:
                if (spec.Mx is null)
                {
                    yield return DiffText.Unreachable(Checks.MtaStsMxCoverage, spec.Domain, unknown.Reason, "the MX records");
                }

                yield break;
            case Found<IReadOnlyList<MxRecord>> found:
                hosts = found.Value.Select(m => DnsName.Normalize(m.Host)).Distinct(DnsName.Comparer).Order(StringComparer.Ordinal).ToList();
                break;
            default:
                yield break;
        }

        var state = facts.MtaSts;
        if (state.Policy is { } published && published.Mode != MtaStsMode.None)
        {
            var enforce = published.Mode == MtaStsMode.Enforce;
            foreach (var host in hosts.Where(h => !MxPattern.Covers(published.Mx, h)))
            {
                yield return new Finding(Checks.MtaStsMxCoverage, FindingKind.Mismatch, enforce ? Severity.Critical : Severity.Warning, host,
                    $"an mx pattern matching {host}", $"mx: {string.Join(", ", published.Mx)}",
                    enforce
                        ? $"live MX {host} is not covered by the published enforce policy: senders refuse to deliver to it (RFC 8461 §4.1; *. matches exactly one label)"
                        : $"live MX {host} is not covered by the published testing policy: TLS-RPT reports failures for it, and enforce would refuse it (RFC 8461 §4.1)");
            }
        }

        var declared = facts.DeclaredPolicy;
        if (declared.Mode != MtaStsMode.None && !facts.DeclaredEqualsLive)
        {
            var enforce = declared.Mode == MtaStsMode.Enforce;
            foreach (var host in hosts.Where(h => !MxPattern.Covers(declared.Mx, h)))
            {
                yield return new Finding(Checks.MtaStsMxCoverage, FindingKind.Mismatch, enforce ? Severity.Error : Severity.Warning, host,
                    $"an mx pattern matching {host}", $"mx: {string.Join(", ", declared.Mx)}",
                    $"live MX {host} is not covered by the declared {MtaStsPolicyDiff.Mode(declared.Mode)} policy: once published, " +
                    (enforce ? "senders would refuse to deliver to it" : "TLS-RPT would report failures for it") + " (RFC 8461 §4.1)");
            }
        }
    }
}
