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
    private static readonly string[] DestinationTags = ["rua", "ruf"];

    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Dmarc is null)
        {
            yield break;
        }

        foreach (var destination in ExternalDestinations(spec))
        {
            var name = $"{spec.Domain}._report._dmarc.{destination}";
            if (!live.DmarcReportAuth.TryGetValue(name, out var observation) &&
                !live.DmarcReportAuth.TryGetValue(destination, out observation))
            {
                continue;
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

    /// <summary>The domains of <c>mailto:</c> rua/ruf destinations that are neither the domain nor a parent or child of it.</summary>
    public static IReadOnlyList<string> ExternalDestinations(DomainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Dmarc is null)
        {
            return [];
        }

        var domain = DnsName.Normalize(spec.Domain);
        return DestinationTags
            .SelectMany(t => spec.Dmarc.Tags.TryGetValue(t, out var v) ? v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [])
            .Select(MailtoDomain)
            .OfType<string>()
            .Where(d => d != domain && !d.EndsWith("." + domain, StringComparison.Ordinal) && !domain.EndsWith("." + d, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string? MailtoDomain(string uri)
    {
        if (!uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var at = uri.LastIndexOf('@');
        if (at < 0)
        {
            return null;
        }

        var host = uri[(at + 1)..];
        var cut = host.IndexOfAny(['!', '?']);
        return DnsName.Normalize(cut >= 0 ? host[..cut] : host);
    }
}
