using Reconciler.Records;

namespace Reconciler.Tests.Records;

/// <summary>The openspf RFC 7208 test suite (2014.04) as a check of <see cref="SpfRecord.Parse"/>.</summary>
public class SpfOpenSuiteTests
{
    /// <summary>
    /// Tests whose permerror comes from the syntax of the checked domain's own record. Left out on purpose:
    /// permerrors found only at evaluation time (multiple records, include/redirect to a missing or broken
    /// record, loops, runtime MX/void lookup limits) and tests whose result is a list of alternatives.
    /// </summary>
    private static readonly HashSet<string> SyntaxPermErrors = new(StringComparer.Ordinal)
    {
        // Initial processing
        "non-ascii-policy", "non-ascii-mech", "non-ascii-result", "control-char-policy", "badip4",
        // Record evaluation
        "detect-errors-anywhere", "modifier-charset-bad1", "modifier-charset-bad2", "redirect-is-modifier", "invalid-domain",
        // all, ptr, a, include, mx, exists, ip4, ip6
        "all-dot", "all-arg", "all-cidr", "ptr-cidr", "ptr-empty-domain",
        "a-bad-cidr4", "a-bad-cidr6", "a-dual-cidr-ip4-err", "a-bad-domain", "a-null", "a-numeric", "a-numeric-toplabel",
        "a-bad-toplabel", "a-only-toplabel", "a-only-toplabel-trailing-dot", "a-empty-domain",
        "include-syntax-error", "include-cidr", "include-empty-domain",
        "mx-bad-cidr4", "mx-bad-cidr6", "mx-bad-domain", "mx-null", "mx-numeric-top-label", "mx-bad-toplab", "mx-empty-domain",
        "exists-empty-domain", "exists-implicit", "exists-cidr",
        "cidr4-33", "cidr4-032", "bare-ip4", "bad-ip4-port", "bad-ip4-short", "ip4-dual-cidr",
        "bare-ip6", "cidr6-129", "cidr6-bad", "ip6-bad1",
        // modifiers (§6, appendix A)
        "redirect-syntax-error", "invalid-modifier", "empty-modifier-name", "exp-empty-domain", "exp-syntax-error",
        "exp-twice", "redirect-empty-domain", "redirect-twice", "unknown-modifier-syntax",
        // macros (§7.1)
        "exp-only-macro-char", "invalid-macro-char", "invalid-embedded-macro-char", "invalid-trailing-macro-char", "undef-macro",
        // static lookup-term count (§4.6.4)
        "mech-over-limit",
    };

    private static readonly string[] NonErrorResults = ["pass", "fail", "softfail", "neutral"];

    [OpenSpfFact]
    public void Every_listed_syntax_permerror_is_in_the_suite_and_expects_permerror()
    {
        var cases = OpenSpfSuite.Load().ToDictionary(c => c.Name);
        foreach (var name in SyntaxPermErrors)
        {
            Assert.True(cases.TryGetValue(name, out var c), $"test '{name}' is not in the suite");
            Assert.Equal(["permerror"], c.Results);
            Assert.Single(c.Records);
        }
    }

    [OpenSpfFact]
    public void Records_with_syntax_permerrors_are_rejected()
    {
        var cases = OpenSpfSuite.Load().Where(c => SyntaxPermErrors.Contains(c.Name) && c.Records.Count == 1).ToList();
        Assert.Equal(SyntaxPermErrors.Count, cases.Count);
        var missed = cases
            .Where(c => SpfRecord.Parse(c.Records[0]) is var r && (r.Ok || !r.Problems.Any(p => p.Severity >= Severity.Error)))
            .Select(c => $"{c.Section}/{c.Name} [{c.Spec}]: {c.Records[0]}")
            .ToList();
        Assert.True(missed.Count == 0, "accepted although the suite expects a syntax permerror:\n" + string.Join("\n", missed));
    }

    [OpenSpfFact]
    public void Records_the_suite_evaluates_to_a_result_parse_without_error()
    {
        var cases = OpenSpfSuite.Load()
            .Where(c => c.Results.Count == 1 && NonErrorResults.Contains(c.Results[0]) && c.Records.Count == 1)
            .ToList();
        Assert.True(cases.Count > 100, $"only {cases.Count} pass/fail/softfail/neutral cases found");
        var rejected = cases
            .Select(c => (Case: c, Result: SpfRecord.Parse(c.Records[0])))
            .Where(x => !x.Result.Ok)
            .Select(x => $"{x.Case.Section}/{x.Case.Name} ({x.Case.Results[0]}): {x.Case.Records[0]} -> " +
                         string.Join("; ", x.Result.Problems))
            .ToList();
        Assert.True(rejected.Count == 0, "rejected although the suite evaluates them:\n" + string.Join("\n", rejected));
    }
}
