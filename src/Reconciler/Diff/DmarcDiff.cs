using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>dmarc</c> check (RFC 9989): one valid <c>_dmarc</c> record semantically equal to the declared
/// one (defaults applied); a published policy less strict than the declared one is critical.
/// </summary>
public static class DmarcDiff
{
    private static readonly string[] PolicyTags = ["p", "sp", "np"];

    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Dmarc is null)
        {
            return [];
        }

        var name = $"_dmarc.{spec.Domain}";
        var expected = spec.Dmarc.ToRecordText();
        switch (live.DmarcTxt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                return [DiffText.Unreachable(Checks.Dmarc, name, unknown.Reason, "the DMARC record")];
            case Absent<IReadOnlyList<string>> absent:
                return [Missing(name, expected, DiffText.Absence(absent.Kind))];
        }

        var records = DiffText.Select(((Found<IReadOnlyList<string>>)live.DmarcTxt).Value, DmarcRecord.IsDmarc);
        if (records.Count == 0)
        {
            return [Missing(name, expected, "no TXT record there starts with v=DMARC1")];
        }

        if (records.Count > 1)
        {
            return [new Finding(Checks.Dmarc, FindingKind.Invalid, Severity.Error, name, expected, DiffText.Joined(records),
                $"{records.Count} DMARC records are published; receivers then apply no DMARC policy (RFC 9989)")];
        }

        var parsed = DmarcRecord.Parse(records[0]);
        if (!parsed.Ok || parsed.Value is null)
        {
            return [new Finding(Checks.Dmarc, FindingKind.Invalid, Severity.Error, name, expected, records[0],
                $"the DMARC record is invalid, so receivers apply no DMARC policy: {DiffText.Describe(parsed.Problems)}")];
        }

        var findings = parsed.Problems.Where(p => p.Severity == Severity.Warning)
            .Select(p => new Finding(Checks.Dmarc, FindingKind.Invalid, Severity.Warning, name, null, records[0], p.ToString()))
            .ToList();
        // Published as declared (the usual case): the declared record is the one just parsed.
        var declared = string.Equals(records[0], expected, StringComparison.Ordinal) ? parsed.Value : DmarcRecord.Parse(expected).Value;
        if (declared is not null && !declared.SemanticEquals(parsed.Value))
        {
            var relaxed = Relaxed(declared, parsed.Value);
            findings.Insert(0, new Finding(Checks.Dmarc, FindingKind.Mismatch, relaxed.Count > 0 ? Severity.Critical : Severity.Error, name,
                expected, records[0],
                relaxed.Count > 0
                    ? $"the published DMARC policy is weaker than declared ({string.Join(", ", relaxed)}): spoofed mail is no longer rejected as intended"
                    : $"the published DMARC record differs from the declared one ({Differences(declared, parsed.Value)})"));
        }

        return findings;
    }

    private static List<string> Relaxed(DmarcRecord declared, DmarcRecord published)
    {
        var relaxed = new List<string>();
        foreach (var tag in PolicyTags)
        {
            var want = Effective(declared, tag);
            var have = Effective(published, tag);
            if (DmarcRecord.Strictness(have) < DmarcRecord.Strictness(want))
            {
                relaxed.Add($"{tag}={have ?? "none"}, declared {tag}={want}");
            }
        }

        return relaxed;
    }

    private static string? Effective(DmarcRecord record, string tag) => tag switch
    {
        "p" => record.EffectiveP,
        "sp" => record.EffectiveSp,
        _ => record.EffectiveNp,
    };

    private static string Differences(DmarcRecord declared, DmarcRecord published)
    {
        var tags = declared.Tags.Keys.Union(published.Tags.Keys).Where(t => t != "v").Order(StringComparer.Ordinal);
        var differing = tags.Where(t => !SameValue(t, declared.Tags.GetValueOrDefault(t), published.Tags.GetValueOrDefault(t)))
            .Select(t => $"{t}: declared {declared.Tags.GetValueOrDefault(t) ?? "(default)"}, published {published.Tags.GetValueOrDefault(t) ?? "(default)"}")
            .ToList();
        return differing.Count > 0 ? string.Join("; ", differing) : "values differ";
    }

    private static bool SameValue(string tag, string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a == b;
        }

        if (tag is "rua" or "ruf")
        {
            static HashSet<string> Set(string v) =>
                v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return Set(a).SetEquals(Set(b));
        }

        return string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    private static Finding Missing(string name, string expected, string why) =>
        new(Checks.Dmarc, FindingKind.Missing, Severity.Error, name, expected, null,
            $"no DMARC record is published ({why}); receivers apply no DMARC policy");
}
