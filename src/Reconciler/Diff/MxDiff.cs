using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>The <c>mx</c> check: the live MX set equals the declared one (hosts compared as DNS names).</summary>
public static class MxDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live)
    {
        if (spec.Mx is null)
        {
            yield break;
        }

        var name = spec.Domain;
        IReadOnlyList<MxRecord> actual;
        switch (live.Mx)
        {
            case Unknown<IReadOnlyList<MxRecord>> unknown:
                yield return DiffText.Unreachable(Checks.Mx, name, unknown.Reason, "the MX records");
                yield break;
            case Found<IReadOnlyList<MxRecord>> found:
                actual = found.Value;
                break;
            default:
                actual = [];
                break;
        }

        if (InSync(spec.Mx, actual))
        {
            yield break;
        }

        var declared = spec.Mx.ToDictionary(m => DnsName.Normalize(m.Host), m => m.Preference, DnsName.Comparer);
        var published = actual.GroupBy(m => DnsName.Normalize(m.Host), DnsName.Comparer)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Preference).Order().ToList(), DnsName.Comparer);
        var nothingLive = published.Count == 0;

        foreach (var (host, preference) in declared.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!published.TryGetValue(host, out var livePreferences))
            {
                yield return new Finding(Checks.Mx, FindingKind.Missing, nothingLive ? Severity.Critical : Severity.Error, name,
                    Show(preference, host), null,
                    nothingLive
                        ? $"MX {host} (preference {preference}) is not published, nor is any other MX record: mail for {name} cannot be delivered as declared"
                        : $"MX {host} (preference {preference}) is not published");
            }
            else if (!livePreferences.Contains(preference))
            {
                yield return new Finding(Checks.Mx, FindingKind.Mismatch, Severity.Error, name,
                    Show(preference, host), string.Join(", ", livePreferences.Select(p => Show(p, host))),
                    $"MX {host} is published with preference {string.Join(", ", livePreferences)}, declared {preference}");
            }
        }

        foreach (var record in actual.Where(m => !declared.ContainsKey(DnsName.Normalize(m.Host)))
                     .OrderBy(m => m.Preference).ThenBy(m => DnsName.Normalize(m.Host), StringComparer.Ordinal))
        {
            var host = DnsName.Normalize(record.Host);
            yield return new Finding(Checks.Mx, FindingKind.Unexpected, Severity.Error, name, null, Show(record.Preference, host),
                $"MX {host} (preference {record.Preference}) is published but not declared");
        }
    }

    /// <summary>
    /// True when the sets agree (the usual case), checked pair by pair without building them: every live host is
    /// declared, every declared host is live with its preference, and no declared host is listed twice.
    /// </summary>
    private static bool InSync(IReadOnlyList<MxRecord> declared, IReadOnlyList<MxRecord> actual)
    {
        // Indexed loops: this runs for every domain, and a foreach over the interface boxes an enumerator.
        for (var i = 0; i < declared.Count; i++)
        {
            var host = DnsName.Normalize(declared[i].Host);
            for (var j = 0; j < i; j++)
            {
                if (DnsName.Comparer.Equals(host, DnsName.Normalize(declared[j].Host)))
                {
                    return false;
                }
            }

            var published = false;
            for (var k = 0; k < actual.Count; k++)
            {
                var m = actual[k];
                if (m.Preference == declared[i].Preference && DnsName.Comparer.Equals(host, DnsName.Normalize(m.Host)))
                {
                    published = true;
                    break;
                }
            }

            if (!published)
            {
                return false;
            }
        }

        for (var k = 0; k < actual.Count; k++)
        {
            var host = DnsName.Normalize(actual[k].Host);
            var isDeclared = false;
            for (var j = 0; j < declared.Count; j++)
            {
                if (DnsName.Comparer.Equals(host, DnsName.Normalize(declared[j].Host)))
                {
                    isDeclared = true;
                    break;
                }
            }

            if (!isDeclared)
            {
                return false;
            }
        }

        return true;
    }

    internal static string Show(int preference, string host) => $"{preference} {host}";
}
