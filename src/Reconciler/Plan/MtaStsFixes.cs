using Reconciler.Desired;
using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>MTA-STS steps: the policy body, then its id.</summary>
internal static class MtaStsFixes
{
    public static string? PolicyStep(DomainFacts facts, IReadOnlyList<Finding> findings)
    {
        var spec = facts.Spec;
        var live = facts.Live;
        if (spec.MtaSts is not { } sts || !findings.Any(f => f.Check == Checks.MtaStsPolicy))
        {
            return null;
        }

        var url = DiffText.PolicyUrl(spec.Domain);
        var body = facts.DeclaredPolicyText;
        if (sts.Mode == MtaStsMode.None)
        {
            // Every address counts: senders may have cached the policy of any of them.
            var fetches = live.Policy?.Fetches ?? [];
            long published = 0;
            for (var i = 0; i < fetches.Count; i++)
            {
                if (fetches[i] is { Status: PolicyFetchStatus.Ok, Body: not null })
                {
                    published = Math.Max(published, facts.Policy(i).Value?.MaxAge ?? 0);
                }
            }

            var longest = Math.Max(sts.MaxAge, published);
            return $"Retire MTA-STS with mode: none, not by deletion: publish this policy at {url} (status 200, Content-Type: text/plain, " +
                $"the same on every address of mta-sts.{spec.Domain}) and keep it and the _mta-sts record published for at least " +
                $"{longest} seconds (the largest max_age published) before removing anything:\n\n{body}";
        }

        var refused = (live.Policy?.Fetches ?? [])
            .Where(f => f.Status == PolicyFetchStatus.Refused && f.Failure != PolicyFailure.NotFound)
            .Select(f => $"{f.Address}: {f.Detail}").ToList();
        var hosting = refused.Count == 0 ? "" :
            $"; senders refuse what is served now ({string.Join("; ", refused)}), so serve it over HTTPS with a certificate valid for " +
            $"mta-sts.{spec.Domain}, directly (no redirect)";
        return $"Publish this policy at {url} (status 200, Content-Type: text/plain, CRLF line ends, the same on every " +
            $"address of mta-sts.{spec.Domain}){hosting}:\n\n{body}";
    }

    public static IEnumerable<string> Preconditions(DomainFacts facts, IReadOnlyList<Finding> findings)
    {
        var spec = facts.Spec;
        var live = facts.Live;
        var leaving = MxFixes.Removed(findings);
        var sts = spec.MtaSts!;
        var declared = facts.DeclaredPolicy;
        if (sts.Mode == MtaStsMode.None)
        {
            yield break;
        }

        if (live.Mx is Found<IReadOnlyList<MxRecord>> mx)
        {
            var uncovered = mx.Value.Select(m => DnsName.Normalize(m.Host)).Distinct(StringComparer.Ordinal)
                .Where(h => !MxPattern.Covers(declared.Mx, h) && !leaving.Contains(h)).Order(StringComparer.Ordinal).ToList();
            if (uncovered.Count > 0)
            {
                yield return $"Warning: live MX {string.Join(", ", uncovered)} {(uncovered.Count == 1 ? "is" : "are")} not covered by the declared mx patterns" +
                    $"{(sts.Mode == MtaStsMode.Enforce ? " and senders would refuse to deliver there under enforce" : "")}; add a pattern in {spec.File} " +
                    "or remove the host from MX before publishing the policy (RFC 8461 §4.1: *. covers exactly one label).";
            }
        }

        var livePolicy = facts.MtaSts.Policy;
        var tlsRptLive = live.TlsRptTxt is Found<IReadOnlyList<string>> t && t.Value.Any(TlsRptRecord.IsTlsRpt);
        if (sts.Mode == MtaStsMode.Enforce && livePolicy?.Mode != MtaStsMode.Enforce && !tlsRptLive && live.TlsRptTxt is not Unknown<IReadOnlyList<string>>)
        {
            yield return $"Warning: before switching to enforce, set up TLS-RPT (a _smtp._tls.{spec.Domain} TXT record, tls_rpt: in {spec.File}) " +
                "so that delivery failures caused by the policy are reported to you.";
        }
    }

    /// <summary>Live MX hosts the published policy does not cover while the declared one is already published.</summary>
    public static IEnumerable<string> Coverage(DomainSpec spec, IReadOnlyList<Finding> findings, bool policyStep)
    {
        if (policyStep)
        {
            yield break;
        }

        var leaving = MxFixes.Removed(findings);
        foreach (var f in findings.Where(f => f.Check == Checks.MtaStsMxCoverage && f.Severity >= Severity.Error && !leaving.Contains(f.Name)))
        {
            yield return $"Live MX {f.Name} is not covered by the MTA-STS policy ({f.Actual}): remove it from MX, or add a pattern for it " +
                $"under mta_sts.mx in {spec.File} so that a new policy (and id) is published before senders see it (RFC 8461 §4.1).";
        }
    }

    public static IEnumerable<string> TxtStep(DomainFacts facts, IReadOnlyList<Finding> findings, MtaStsIds? ids, bool afterPolicy)
    {
        var spec = facts.Spec;
        if (spec.MtaSts is not { } sts)
        {
            yield break;
        }

        var id = ids?.ProposedId ?? sts.Id;
        var liveId = facts.MtaSts.TxtId;
        if (!findings.Any(f => f.Check == Checks.MtaStsTxt) && ids?.ProposedId is null && (!afterPolicy || liveId == id))
        {
            yield break;
        }

        var owner = $"_mta-sts.{spec.Domain}";
        var text = (afterPolicy ? "Then, once the new policy is served from every address, set" : "Set") +
            $" the _mta-sts TXT record (exactly one v=STSv1 record at that name):\n{FixSteps.Txt(owner, new MtaStsTxtRecord(id).Render())}";
        if (ids?.ProposedId is { } proposed)
        {
            text += $"\nand set id: \"{proposed}\" under mta_sts in {spec.File} (the reconciler's pull request does this).";
        }

        yield return text;
    }
}
