using Reconciler.Desired;
using Reconciler.Diff;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>
/// The numbered fix steps of a domain, in an order that cannot break mail: MX hosts leave MX before the
/// policy stops covering them; the policy is published before its TXT id changes; new MX hosts go into
/// the policy (and its id) before into MX; MTA-STS is retired with <c>mode: none</c>, never by deletion.
/// </summary>
public static class FixSteps
{
    public static IReadOnlyList<string> For(DomainSpec spec, LiveDomain live, IReadOnlyList<Finding> findings, MtaStsIds? ids)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(findings);
        return For(new DomainFacts(spec, live), findings, ids);
    }

    /// <summary>As <see cref="For(DomainSpec, LiveDomain, IReadOnlyList{Finding}, MtaStsIds?)"/>, with what the diff already derived.</summary>
    internal static IReadOnlyList<string> For(DomainFacts facts, IReadOnlyList<Finding> findings, MtaStsIds? ids)
    {
        var spec = facts.Spec;
        var actionable = new List<Finding>(findings.Count);
        foreach (var f in findings)
        {
            if (f.Kind != FindingKind.Unreachable)
            {
                actionable.Add(f);
            }
        }

        // Every step answers an actionable finding or a proposed id: without either there is nothing to do.
        if (actionable.Count == 0 && ids?.ProposedId is null)
        {
            return [];
        }

        var steps = new List<string>();
        var policyStep = MtaStsFixes.PolicyStep(facts, actionable);

        steps.AddRange(MxFixes.Removals(spec, actionable));
        if (policyStep is not null)
        {
            steps.AddRange(MtaStsFixes.Preconditions(facts, actionable));
            steps.Add(policyStep);
        }

        steps.AddRange(MtaStsFixes.Coverage(spec, actionable, policyStep is not null));

        steps.AddRange(MtaStsFixes.TxtStep(facts, actionable, ids, policyStep is not null));
        steps.AddRange(MxFixes.Additions(spec, actionable, policyStep is not null));
        steps.AddRange(RecordFixes.TlsRpt(spec, actionable));
        steps.AddRange(RecordFixes.Spf(spec, actionable));
        steps.AddRange(RecordFixes.Dmarc(spec, actionable));
        steps.AddRange(RecordFixes.Dkim(spec, actionable));
        steps.AddRange(RecordFixes.Dane(spec, actionable));
        steps.AddRange(RecordFixes.Ns(actionable));
        var numbered = new List<string>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            numbered.Add($"{i + 1}. {steps[i]}");
        }

        return numbered;
    }

    /// <summary>A TXT record as zone lines; values over 255 bytes are split into strings.</summary>
    internal static string Txt(string owner, string value) => ZoneText.Txt(owner, value);

    internal static bool IsLong(string value) => System.Text.Encoding.UTF8.GetByteCount(value) > ZoneText.MaxStringBytes;

    /// <summary>
    /// The CNAME-hop alternative for a long TXT value at a non-apex name: the value lives at a name in a zone
    /// whose DNS host stores long TXT records (a placeholder the operator fills in), the name points there.
    /// </summary>
    internal static string CnameHop(string owner, string value)
    {
        var hop = $"{owner.Replace("._domainkey.", "-", StringComparison.Ordinal).Replace('.', '-')}.<zone whose DNS host stores long TXT>.";
        return $"\nIf your DNS host cannot store a TXT record over 255 bytes, publish the value in a zone hosted where it can, and point {owner} at it:\n" +
            string.Join('\t', hop, "3600", "IN", "TXT", ZoneText.QuoteTxt(value)) + "\n" +
            ZoneText.Record(owner, "CNAME", hop);
    }
}
