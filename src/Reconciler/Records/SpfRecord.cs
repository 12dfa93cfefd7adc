namespace Reconciler.Records;

/// <summary>
/// An SPF record (RFC 7208). <see cref="Parse"/> returns a value whenever the syntax is valid, even when a
/// limit such as the ten lookup terms (§4.6.4) is broken; that is reported as an error next to the value.
/// </summary>
public sealed record SpfRecord(IReadOnlyList<SpfTerm> Terms)
{
    public const int MaxLookupTerms = 10;

    /// <summary>RFC 7208 §3.4: keep the record small enough for a 512-octet UDP answer.</summary>
    public const int RecommendedMaxLength = 450;

    /// <summary><c>v=spf1</c>, case-insensitively, followed by a space or the end (RFC 7208 §4.5).</summary>
    public static bool IsSpf(string txt) =>
        txt is not null && txt.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (txt.Length == 6 || txt[6] == ' ');

    /// <summary>Terms that cost a DNS lookup in this record alone (a redirect ignored because of 'all' is not counted).</summary>
    public int LookupTermCount
    {
        get
        {
            var hasAll = Terms.Any(IsAll);
            return Terms.Count(t => t.CausesDnsLookup && !(hasAll && IsRedirect(t)));
        }
    }

    public IReadOnlyList<string> IncludeTargets =>
        Terms.Where(t => !t.IsModifier && Is(t, "include") && t.Value is not null).Select(t => t.Value!).ToList();

    public string? RedirectTarget => Terms.FirstOrDefault(IsRedirect)?.Value;

    public static ParseResult<SpfRecord> Parse(string txt)
    {
        if (string.IsNullOrEmpty(txt))
        {
            return ParseResult<SpfRecord>.Failure("RFC 7208 §4.5", "the record is empty; it must begin with 'v=spf1'");
        }

        if (!IsSpf(txt))
        {
            return ParseResult<SpfRecord>.Failure("RFC 7208 §4.5", "the record must begin with 'v=spf1' followed by a space or the end");
        }

        var problems = new List<RecordProblem>();
        var terms = new List<SpfTerm>();
        var syntaxOk = true;
        foreach (var text in txt[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var term = SpfTerm.Parse(text, problems);
            if (term is null)
            {
                syntaxOk = false;
            }
            else
            {
                terms.Add(term);
            }
        }

        var record = new SpfRecord(terms);
        if (terms.Count(IsRedirect) > 1)
        {
            syntaxOk = false;
            problems.Add(new(Severity.Error, "RFC 7208 §6", "'redirect' appears more than once"));
        }

        if (terms.Count(t => t.IsModifier && Is(t, "exp")) > 1)
        {
            syntaxOk = false;
            problems.Add(new(Severity.Error, "RFC 7208 §6", "'exp' appears more than once"));
        }

        var lookups = record.LookupTermCount;
        if (lookups > MaxLookupTerms)
        {
            problems.Add(new(Severity.Error, "RFC 7208 §4.6.4",
                $"{lookups} terms cause DNS lookups (include, a, mx, ptr, exists, redirect); at most {MaxLookupTerms} are allowed"));
        }

        if (terms.Any(t => !t.IsModifier && Is(t, "ptr")))
        {
            problems.Add(new(Severity.Warning, "RFC 7208 §5.5", "the 'ptr' mechanism SHOULD NOT be used: it is slow and unreliable"));
        }

        if (txt.Length > RecommendedMaxLength)
        {
            problems.Add(new(Severity.Warning, "RFC 7208 §3.4",
                $"the record is {txt.Length} octets; keep it under {RecommendedMaxLength} so that answers fit in 512-octet UDP"));
        }

        var all = terms.FindIndex(IsAll);
        if (all >= 0 && terms.Skip(all + 1).Any(t => !t.IsModifier))
        {
            problems.Add(new(Severity.Warning, "RFC 7208 §5.1", "mechanisms after 'all' are never evaluated"));
        }

        if (all >= 0 && terms.Any(IsRedirect))
        {
            problems.Add(new(Severity.Warning, "RFC 7208 §6.1", "'redirect' is ignored because the record has an 'all' mechanism"));
        }

        return new(syntaxOk ? record : null, problems);
    }

    /// <summary><c>v=spf1</c> and the terms, single-spaced, names lower-case, implied '+' left out.</summary>
    public string Render() => Terms.Count == 0 ? "v=spf1" : "v=spf1 " + string.Join(' ', Terms.Select(t => t.Render()));

    /// <summary>
    /// Same terms in the same order; name case, an explicit vs implied '+', a trailing dot and the case of
    /// domain-specs do not matter (macro letters, whose case means URL-escaping, do).
    /// </summary>
    public bool SemanticEquals(SpfRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return Terms.Count == other.Terms.Count && Terms.Zip(other.Terms).All(p => TermEquals(p.First, p.Second));
    }

    private static bool TermEquals(SpfTerm a, SpfTerm b) =>
        a.IsModifier == b.IsModifier &&
        string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase) &&
        QualifierOf(a) == QualifierOf(b) &&
        ValueEquals(a.Value, b.Value);

    private static string QualifierOf(SpfTerm t) => t.IsModifier ? "" : string.IsNullOrEmpty(t.Qualifier) ? "+" : t.Qualifier;

    private static bool ValueEquals(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Contains('%', StringComparison.Ordinal) || b.Contains('%', StringComparison.Ordinal))
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }

        return string.Equals(StripDot(a), StripDot(b), StringComparison.OrdinalIgnoreCase);
    }

    private static string StripDot(string value) => value.EndsWith('.') ? value[..^1] : value;

    private static bool Is(SpfTerm t, string name) => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase);

    private static bool IsAll(SpfTerm t) => !t.IsModifier && Is(t, "all");

    private static bool IsRedirect(SpfTerm t) => t.IsModifier && Is(t, "redirect");
}
