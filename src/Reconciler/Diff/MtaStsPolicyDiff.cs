using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>
/// The <c>mta-sts-policy</c> check (RFC 8461 §3.2, §3.3): the policy served at every address of
/// <c>mta-sts.domain</c> is fetchable, valid, the same everywhere and equal to the declared one.
/// </summary>
public static class MtaStsPolicyDiff
{
    public static IEnumerable<Finding> Compare(DomainSpec spec, LiveDomain live) => Compare(new DomainFacts(spec, live));

    internal static IEnumerable<Finding> Compare(DomainFacts facts)
    {
        var spec = facts.Spec;
        var live = facts.Live;
        if (spec.MtaSts is null)
        {
            return [];
        }

        var name = DiffText.PolicyUrl(spec.Domain);
        var declared = facts.DeclaredPolicy;
        var expected = facts.DeclaredPolicyText;
        switch (live.Policy?.Addresses)
        {
            case null:
                return [DiffText.Unreachable(Checks.MtaStsPolicy, name, "the policy host was not looked up", "the MTA-STS policy")];
            case Unknown<IReadOnlyList<string>> unknown:
                return [DiffText.Unreachable(Checks.MtaStsPolicy, name, $"mta-sts.{spec.Domain}: {unknown.Reason}", "the MTA-STS policy")];
            case Absent<IReadOnlyList<string>> absent:
                return [new Finding(Checks.MtaStsPolicy, FindingKind.Missing, Severity.Error, name, expected, null,
                    $"mta-sts.{spec.Domain} has no A/AAAA address ({DiffText.Absence(absent.Kind)}), so no sender can fetch the policy")];
        }

        var findings = new List<Finding>();
        var valid = new List<(string Address, MtaStsPolicy Policy, string Body)>();
        var fetches = live.Policy!.Fetches;
        for (var i = 0; i < fetches.Count; i++)
        {
            var fetch = fetches[i];
            switch (fetch.Status)
            {
                case PolicyFetchStatus.Unreachable:
                    findings.Add(DiffText.Unreachable(Checks.MtaStsPolicy, $"{name} ({fetch.Address})", fetch.Detail, $"the MTA-STS policy from {fetch.Address}"));
                    break;
                case PolicyFetchStatus.Refused when fetch.Failure == PolicyFailure.NotFound:
                    findings.Add(new Finding(Checks.MtaStsPolicy, FindingKind.Missing, Severity.Error, $"{name} ({fetch.Address})", expected, null,
                        $"the policy is not published at {fetch.Address} ({fetch.Detail})"));
                    break;
                case PolicyFetchStatus.Refused:
                    findings.Add(new Finding(Checks.MtaStsPolicy, FindingKind.Invalid, Severity.Error, $"{name} ({fetch.Address})", expected, null,
                        $"senders refuse the policy served by {fetch.Address}: {fetch.Detail} (RFC 8461 §3.3: HTTPS with a certificate valid for mta-sts.{spec.Domain}, status 200, no redirect, text/plain)"));
                    break;
                default:
                    var parsed = facts.Policy(i);
                    if (parsed is { Ok: true, Value: { } policy })
                    {
                        valid.Add((fetch.Address, policy, fetch.Body!));
                    }
                    else
                    {
                        findings.Add(new Finding(Checks.MtaStsPolicy, FindingKind.Invalid, Severity.Error, $"{name} ({fetch.Address})", expected, fetch.Body,
                            $"the policy served by {fetch.Address} is invalid, so senders ignore it: {DiffText.Describe(parsed.Problems)}"));
                    }

                    break;
            }
        }

        if (valid.Count == 0)
        {
            return findings;
        }

        if (valid.Count > 1)
        {
            var distinct = valid.Where((v, i) => valid.Take(i).All(other => !other.Policy.SemanticEquals(v.Policy))).ToList();
            if (distinct.Count > 1)
            {
                findings.Add(new Finding(Checks.MtaStsPolicy, FindingKind.Invalid, Severity.Critical, name, expected,
                    DiffText.Joined(distinct.Select(d => $"{d.Address}: {OneLine(d.Policy)}")),
                    $"the addresses of mta-sts.{spec.Domain} serve different policies ({string.Join(", ", distinct.Select(d => d.Address))}); " +
                    "which one a sender caches depends on the address it reaches"));
            }
        }

        findings.AddRange(CompareFields(name, declared, valid[0].Policy));
        return findings;
    }

    private static IEnumerable<Finding> CompareFields(string name, MtaStsPolicy declared, MtaStsPolicy published)
    {
        if (declared.Mode != published.Mode)
        {
            yield return new Finding(Checks.MtaStsPolicy, FindingKind.Mismatch, Severity.Error, name,
                $"mode: {Mode(declared.Mode)}", $"mode: {Mode(published.Mode)}",
                $"published policy is in {Mode(published.Mode)} mode, declared {Mode(declared.Mode)}");
        }

        if (declared.MaxAge != published.MaxAge)
        {
            // Lowering max_age is a guardrail, except when retiring (mode none), where the fix keeps the old value's time.
            var lowered = declared.MaxAge < published.MaxAge;
            var severity = lowered && declared.Mode != MtaStsMode.None ? Severity.Critical : Severity.Error;
            yield return new Finding(Checks.MtaStsPolicy, FindingKind.Mismatch, severity, name,
                $"max_age: {declared.MaxAge}", $"max_age: {published.MaxAge}",
                lowered
                    ? $"max_age is lowered from {published.MaxAge} to {declared.MaxAge}: senders keep the policy they cached for up to {published.MaxAge} seconds, so a change relying on the lower value is not safe before then"
                    : $"published max_age is {published.MaxAge}, declared {declared.MaxAge}");
        }

        // The same patterns in the same order normalise to the same set: only other lists are normalised and compared.
        var patternsMatter = declared.Mode != MtaStsMode.None || published.Mode != MtaStsMode.None;
        if (!patternsMatter || ReportUri.SameStrings(declared.Mx, published.Mx))
        {
            yield break;
        }

        var want = Patterns(declared);
        var have = Patterns(published);
        if (!want.SetEquals(have))
        {
            var added = want.Except(have).Order(StringComparer.Ordinal).ToList();
            var removed = have.Except(want).Order(StringComparer.Ordinal).ToList();
            var parts = new List<string>();
            if (added.Count > 0)
            {
                parts.Add($"declared but not published: {string.Join(", ", added)}");
            }

            if (removed.Count > 0)
            {
                parts.Add($"published but not declared: {string.Join(", ", removed)}");
            }

            yield return new Finding(Checks.MtaStsPolicy, FindingKind.Mismatch, Severity.Error, name,
                $"mx: {string.Join(", ", want.Order(StringComparer.Ordinal))}", $"mx: {string.Join(", ", have.Order(StringComparer.Ordinal))}",
                $"policy mx patterns differ ({string.Join("; ", parts)})");
        }
    }

    internal static HashSet<string> Patterns(MtaStsPolicy policy) =>
        policy.Mx.Select(p => MxPattern.TryNormalize(p, out var n, out _) ? n : p.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    internal static string Mode(MtaStsMode mode) => mode.ToString().ToLowerInvariant();

    private static string OneLine(MtaStsPolicy p) =>
        $"mode: {Mode(p.Mode)}, max_age: {p.MaxAge}, mx: {string.Join(", ", p.Mx)}";
}
