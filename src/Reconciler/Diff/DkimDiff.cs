using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>dkim</c> check (RFC 6376 §3.6): each declared selector is a CNAME to the declared target, a
/// TXT key equal to the declared one, or (declared absent) nothing at all.
/// </summary>
public static class DkimDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Dkim is null)
        {
            return [];
        }

        var findings = new List<Finding>();
        foreach (var (selector, declared) in spec.Dkim.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var name = $"{selector}._domainkey.{spec.Domain}";
            if (!live.Dkim.TryGetValue(selector, out var observed) && !live.Dkim.TryGetValue(DnsName.Normalize(selector), out observed) &&
                !live.Dkim.TryGetValue(name, out observed))
            {
                findings.Add(DiffText.Unreachable(Checks.Dkim, name, "the selector was not looked up", "the DKIM selector"));
                continue;
            }

            if (observed.CnameChain is Unknown<IReadOnlyList<string>> unknownChain)
            {
                findings.Add(DiffText.Unreachable(Checks.Dkim, name, unknownChain.Reason, "the DKIM selector"));
                continue;
            }

            var target = FirstTarget(name, observed.CnameChain);
            if (declared.Absent)
            {
                findings.AddRange(CompareAbsent(name, target, observed.Txt));
            }
            else if (declared.Cname is { } cname)
            {
                findings.AddRange(CompareCname(name, DnsName.Normalize(cname), target, observed.Txt));
            }
            else if (declared.Key is { } key)
            {
                findings.AddRange(CompareKey(name, key, target, observed.Txt));
            }
        }

        return findings;
    }

    private static IEnumerable<Finding> CompareAbsent(string name, string? target, Observation<IReadOnlyList<string>> txt)
    {
        if (target is not null)
        {
            yield return new Finding(Checks.Dkim, FindingKind.Unexpected, Severity.Critical, name, null, $"CNAME {target}",
                "the selector is declared absent but is still published (a CNAME): mail signed with the retired key still verifies");
        }
        else if (txt is Unknown<IReadOnlyList<string>> unknown)
        {
            yield return DiffText.Unreachable(Checks.Dkim, name, unknown.Reason, "the DKIM selector");
        }
        else if (txt is Found<IReadOnlyList<string>> found && found.Value.Count > 0)
        {
            yield return new Finding(Checks.Dkim, FindingKind.Unexpected, Severity.Critical, name, null, DiffText.Joined(found.Value),
                "the selector is declared absent but its key is still published: mail signed with the retired key still verifies");
        }
    }

    private static IEnumerable<Finding> CompareCname(string name, string cname, string? target, Observation<IReadOnlyList<string>> txt)
    {
        if (target is null)
        {
            if (txt is Unknown<IReadOnlyList<string>> unknown)
            {
                yield return DiffText.Unreachable(Checks.Dkim, name, unknown.Reason, "the DKIM selector");
            }
            else if (txt is Found<IReadOnlyList<string>> found && found.Value.Count > 0)
            {
                yield return new Finding(Checks.Dkim, FindingKind.Mismatch, Severity.Error, name, $"CNAME {cname}", DiffText.Joined(found.Value),
                    $"a TXT key is published where a CNAME to {cname} is declared");
            }
            else
            {
                yield return new Finding(Checks.Dkim, FindingKind.Missing, Severity.Error, name, $"CNAME {cname}", null,
                    $"the selector is not published; declared a CNAME to {cname}");
            }

            yield break;
        }

        if (!DnsName.AreEqual(target, cname))
        {
            yield return new Finding(Checks.Dkim, FindingKind.Mismatch, Severity.Error, name, $"CNAME {cname}", $"CNAME {target}",
                $"the selector points at {target}, declared {cname}");
            yield break;
        }

        switch (txt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                yield return DiffText.Unreachable(Checks.Dkim, name, unknown.Reason, $"the DKIM key at {cname}");
                break;
            case Absent<IReadOnlyList<string>>:
                yield return new Finding(Checks.Dkim, FindingKind.Missing, Severity.Warning, name, $"CNAME {cname}", $"CNAME {target}",
                    $"the CNAME is as declared but {cname} has no DKIM key yet; signatures with this selector fail until its owner publishes one");
                break;
            case Found<IReadOnlyList<string>> found:
                foreach (var problem in KeyProblems(found.Value))
                {
                    yield return new Finding(Checks.Dkim, FindingKind.Invalid, Severity.Warning, name, null, DiffText.Joined(found.Value),
                        $"the key behind {cname}: {problem}");
                }

                break;
        }
    }

    private static IEnumerable<Finding> CompareKey(string name, string key, string? target, Observation<IReadOnlyList<string>> txt)
    {
        if (target is not null)
        {
            yield return new Finding(Checks.Dkim, FindingKind.Mismatch, Severity.Error, name, key, $"CNAME {target}",
                $"a CNAME to {target} is published where a TXT key is declared");
            yield break;
        }

        switch (txt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                yield return DiffText.Unreachable(Checks.Dkim, name, unknown.Reason, "the DKIM key");
                yield break;
            case Absent<IReadOnlyList<string>> absent:
                yield return new Finding(Checks.Dkim, FindingKind.Missing, Severity.Error, name, key, null,
                    $"the DKIM key is not published ({DiffText.Absence(absent.Kind)}); signatures with this selector fail");
                yield break;
        }

        var records = ((Found<IReadOnlyList<string>>)txt).Value;
        var parsed = new List<(string Text, ParseResult<DkimKeyRecord> Result)>(records.Count);
        ParseResult<DkimKeyRecord>? same = null;
        foreach (var record in records)
        {
            var result = DkimKeyRecord.Parse(record);
            parsed.Add((record, result));
            if (same is null && string.Equals(record, key, StringComparison.Ordinal))
            {
                same = result;
            }
        }

        // A key published as declared (the usual case) is the declared key already parsed.
        var declared = (same ?? DkimKeyRecord.Parse(key)).Value;
        var match = parsed.FirstOrDefault(p => p.Result is { Ok: true, Value: { } v } && declared is not null && declared.SemanticEquals(v));
        if (match.Text is not null)
        {
            foreach (var warning in match.Result.Problems.Where(p => p.Severity == Severity.Warning))
            {
                yield return new Finding(Checks.Dkim, FindingKind.Invalid, Severity.Warning, name, null, match.Text, warning.ToString());
            }

            if (records.Count > 1)
            {
                yield return new Finding(Checks.Dkim, FindingKind.Invalid, Severity.Warning, name, key, DiffText.Joined(records),
                    $"{records.Count} TXT records are published at the selector; verifiers may pick any of them (RFC 6376 §3.6.2.2)");
            }

            yield break;
        }

        var invalid = parsed.Where(p => !p.Result.Ok).ToList();
        if (records.Count == 1 && invalid.Count == 1)
        {
            yield return new Finding(Checks.Dkim, FindingKind.Invalid, Severity.Error, name, key, records[0],
                $"the published DKIM key record is invalid: {DiffText.Describe(invalid[0].Result.Problems)}");
        }
        else
        {
            yield return new Finding(Checks.Dkim, FindingKind.Mismatch, Severity.Error, name, key, DiffText.Joined(records),
                "the published DKIM key differs from the declared one");
        }
    }

    private static IEnumerable<string> KeyProblems(IReadOnlyList<string> records)
    {
        var results = records.Select(DkimKeyRecord.Parse).ToList();
        if (results.Count > 0 && results.All(r => !r.Ok))
        {
            return [$"invalid: {DiffText.Describe(results[0].Problems)}"];
        }

        return results.Where(r => r.Ok).SelectMany(r => r.Problems.Where(p => p.Severity == Severity.Warning)).Select(p => p.ToString());
    }

    /// <summary>The first CNAME target (skipping the selector name itself), normalised; null when no CNAME is published.</summary>
    private static string? FirstTarget(string name, Observation<IReadOnlyList<string>> chain)
    {
        if (chain is not Found<IReadOnlyList<string>> found)
        {
            return null;
        }

        for (var i = 0; i < found.Value.Count; i++)
        {
            var target = DnsName.Normalize(found.Value[i]);
            if (!DnsName.AreEqual(target, name))
            {
                return target;
            }
        }

        return null;
    }
}
