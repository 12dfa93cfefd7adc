using Reconciler.Desired;
using Reconciler.Records;

namespace Reconciler.Plan;

/// <summary>Fix steps for the TXT-, CNAME- and TLSA-based checks, with exact zone lines.</summary>
internal static class RecordFixes
{
    public static IEnumerable<string> TlsRpt(DomainSpec spec, IReadOnlyList<Finding> findings)
    {
        if (spec.TlsRpt is { } tls && findings.Any(f => f.Check == Checks.TlsRpt))
        {
            var owner = $"_smtp._tls.{spec.Domain}";
            yield return $"Publish exactly one TLS-RPT record at {owner} (replace any other v=TLSRPTv1 record):\n" +
                FixSteps.Txt(owner, new TlsRptRecord(tls.Rua).Render());
        }
    }

    public static IEnumerable<string> Spf(DomainSpec spec, IReadOnlyList<Finding> findings)
    {
        if (spec.Spf is not { } spf)
        {
            yield break;
        }

        var spfFindings = findings.Where(f => f.Check == Checks.Spf).ToList();
        if (spfFindings.Any(f => f.Kind is FindingKind.Missing or FindingKind.Mismatch ||
                                 (f.Kind == FindingKind.Invalid && !IsTreeLimit(f) && f.Expected is not null)))
        {
            var text = $"Publish exactly one SPF record at {spec.Domain} (delete any other TXT record starting with v=spf1):\n" + FixSteps.Txt(spec.Domain, spf);
            if (FixSteps.IsLong(spf))
            {
                var hop = $"_spf.{spec.Domain}";
                text += $"\nIf your DNS host cannot store a TXT record over 255 bytes, publish the record at {hop} and only a redirect at the apex " +
                    $"(one more DNS lookup):\n{FixSteps.Txt(hop, spf)}\n{FixSteps.Txt(spec.Domain, $"v=spf1 redirect={hop}")}";
            }

            yield return text;
        }

        foreach (var limit in spfFindings.Where(IsTreeLimit))
        {
            yield return $"Bring the SPF record within {limit.Expected} (it has {limit.Actual}): replace includes that are no longer used " +
                $"or that can be expressed as ip4:/ip6: ranges, update spf: in {spec.File}, then publish it.";
        }
    }

    public static IEnumerable<string> Dmarc(DomainSpec spec, IReadOnlyList<Finding> findings)
    {
        if (spec.Dmarc is not { } dmarc)
        {
            yield break;
        }

        if (findings.Any(f => f.Check == Checks.Dmarc && f.Severity >= Severity.Error))
        {
            var owner = $"_dmarc.{spec.Domain}";
            yield return $"Publish exactly one DMARC record at {owner}:\n{FixSteps.Txt(owner, dmarc.ToRecordText())}";
        }

        foreach (var auth in findings.Where(f => f is { Check: Checks.DmarcReportAuth, Kind: FindingKind.Missing }))
        {
            var destination = auth.Name[(auth.Name.IndexOf("._report._dmarc.", StringComparison.Ordinal) + "._report._dmarc.".Length)..];
            yield return $"Ask the operator of {destination} to accept DMARC reports for {spec.Domain} by publishing:\n{FixSteps.Txt(auth.Name, "v=DMARC1")}";
        }
    }

    public static IEnumerable<string> Dkim(DomainSpec spec, IReadOnlyList<Finding> findings)
    {
        if (spec.Dkim is null)
        {
            yield break;
        }

        foreach (var (selector, declared) in spec.Dkim.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var owner = $"{selector}._domainkey.{spec.Domain}";
            var mine = findings.Where(f => f.Check == Checks.Dkim && f.Severity >= Severity.Error && f.Name == owner).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            if (declared.Absent)
            {
                yield return $"Stop publishing the retired selector {selector}: delete the records at {owner}, or revoke the key with an empty one:\n" +
                    FixSteps.Txt(owner, "v=DKIM1; p=");
            }
            else if (declared.Cname is { } cname)
            {
                var replacing = mine.Any(f => f.Kind == FindingKind.Mismatch) ? " (delete the records there first: a name with a CNAME holds nothing else)" : "";
                yield return $"Point selector {selector} at its signer{replacing}:\n{ZoneText.Record(owner, "CNAME", DnsName.Normalize(cname) + ".")}";
            }
            else if (declared.Key is { } key)
            {
                var text = $"Publish the DKIM key of selector {selector} (exactly one TXT record at {owner}):\n{FixSteps.Txt(owner, key)}";
                yield return FixSteps.IsLong(key) ? text + FixSteps.CnameHop(owner, key) : text;
            }
        }
    }

    public static IEnumerable<string> Dane(DomainSpec spec, IReadOnlyList<Finding> findings)
    {
        var dane = findings.Where(f => f.Check == Checks.Dane).ToList();
        var missing = dane.Where(f => f.Kind == FindingKind.Missing && f.Expected is not null).ToList();
        var extra = dane.Where(f => f.Kind == FindingKind.Unexpected && f.Actual is not null).ToList();
        if (missing.Count > 0)
        {
            yield return "Publish these TLSA records (before the MX host presents a certificate that only they match):\n" +
                string.Join("\n", missing.Select(f => ZoneText.Record(f.Name, "TLSA", f.Expected!)));
        }

        if (extra.Count > 0)
        {
            yield return "Then remove these TLSA records, once the MX host presents a certificate matching the declared ones and their TTL has passed:\n" +
                string.Join("\n", extra.Select(f => ZoneText.Record(f.Name, "TLSA", f.Actual!)));
        }
    }

    public static IEnumerable<string> Ns(IReadOnlyList<Finding> findings) =>
        findings.Where(f => f.Check == Checks.NsConsistency)
            .Select(f => $"Make the authoritative servers agree on {f.Name} (check zone transfers and serials): {f.Actual}");

    private static bool IsTreeLimit(Finding f) =>
        f.Kind == FindingKind.Invalid && f.Expected is not null && f.Expected.StartsWith("at most ", StringComparison.Ordinal);
}
