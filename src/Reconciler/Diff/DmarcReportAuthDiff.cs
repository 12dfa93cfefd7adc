using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>dmarc-report-auth</c> check (RFC 9989 external report destinations): each <c>mailto:</c>
/// rua/ruf outside the domain needs <c>domain._report._dmarc.destination</c> TXT <c>v=DMARC1</c>,
/// or receivers drop the reports. A warning: it does not change how mail is treated.
/// </summary>
public static class DmarcReportAuthDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Dmarc is null)
        {
            yield break;
        }

        var domain = DnsName.Normalize(spec.Domain);
        foreach (var destination in DomainObservation.ExternalReportDomains(domain, spec.Dmarc).Order(StringComparer.Ordinal))
        {
            var name = $"{domain}._report._dmarc.{destination}";
            if (!live.DmarcReportAuth.TryGetValue(name, out var observation))
            {
                // Never silently passed over: a destination the observation did not look up is undecided.
                observation = new Unknown<IReadOnlyList<string>>($"{name} was not looked up");
            }

            switch (observation)
            {
                case Unknown<IReadOnlyList<string>> unknown:
                    // A check whose worst outcome is a warning cannot make the domain undecided.
                    yield return DiffText.Unreachable(Checks.DmarcReportAuth, name, unknown.Reason, "the external report authorisation") with
                    {
                        Severity = Severity.Warning,
                    };
                    break;
                case Found<IReadOnlyList<string>> found when found.Value.Any(DmarcRecord.IsDmarc):
                    break;
                default:
                    yield return new Finding(Checks.DmarcReportAuth, FindingKind.Missing, Severity.Warning, name, "v=DMARC1", null,
                        $"{destination} does not authorise DMARC reports for {spec.Domain}; receivers will not send reports there (RFC 9989 external destinations)");
                    break;
            }
        }
    }
}
