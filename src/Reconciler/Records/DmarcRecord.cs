using System.Collections.Immutable;
using System.Globalization;

namespace Reconciler.Records;

/// <summary>
/// The <c>_dmarc</c> TXT record, RFC 9989 (which replaced RFC 7489 in May 2026). <see cref="Tags"/> holds
/// lower-case tag names and the values as written; the typed properties lower-case the values.
/// </summary>
public sealed record DmarcRecord(IReadOnlyDictionary<string, string> Tags)
{
    public const string Rule = "RFC 9989 §4.7";
    public const string LegacyRule = "RFC 9989";

    private static readonly ImmutableArray<string> Policies = ["none", "quarantine", "reject"];
    private static readonly ImmutableArray<string> Psds = ["y", "n", "u"];
    private static readonly ImmutableArray<string> YesNo = ["y", "n"];
    private static readonly ImmutableArray<string> Alignments = ["r", "s"];
    private static readonly string[] LegacyTags = ["pct", "rf", "ri"];
    private static readonly ImmutableArray<string> CanonicalOrder = ["v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "fo", "pct", "rf", "ri", "rua", "ruf"];

    // Tag names as written; when none has an upper-case letter, a lookup by lower-case name needs no second, case-blind pass.
    private readonly bool mixedCaseNames = Tags.Keys.Any(HasUpper);

    public string? P => Lower("p");
    public string? Sp => Lower("sp");
    public string? Np => Lower("np");
    public string? Psd => Lower("psd");
    public string? T => Lower("t");
    public string? Adkim => Lower("adkim");
    public string? Aspf => Lower("aspf");
    public string? Fo => Lower("fo");
    public IReadOnlyList<string> Rua => ReportUri.SplitList(Get("rua"));
    public IReadOnlyList<string> Ruf => ReportUri.SplitList(Get("ruf"));
    public int? Pct => int.TryParse(Get("pct"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary><c>p</c>, or <c>none</c> when absent (an rua-only record).</summary>
    public string EffectiveP => P ?? "none";
    public string EffectiveSp => Sp ?? EffectiveP;
    public string EffectiveNp => Np ?? EffectiveSp;
    public string EffectivePsd => Psd ?? "u";
    public string EffectiveT => T ?? "n";
    public string EffectiveAdkim => Adkim ?? "r";
    public string EffectiveAspf => Aspf ?? "r";
    public string EffectiveFo => Fo ?? "0";
    public int EffectivePct => Pct ?? 100;

    /// <summary>True when <paramref name="txt"/> begins with <c>v=DMARC1</c> followed by ';', white space or end.</summary>
    public static bool IsDmarc(string txt)
    {
        if (txt is null)
        {
            return false;
        }

        var t = txt.AsSpan().TrimStart(TagList.Fws);
        if (t.Length == 0 || (t[0] != 'v' && t[0] != 'V'))
        {
            return false;
        }

        t = t[1..].TrimStart(TagList.Fws);
        if (t.Length == 0 || t[0] != '=')
        {
            return false;
        }

        t = t[1..].TrimStart(TagList.Fws);
        return t.StartsWith("DMARC1", StringComparison.Ordinal) && (t.Length == 6 || t[6] is ';' or ' ' or '\t' or '\r' or '\n');
    }

    /// <summary>none = 0, quarantine = 1, reject = 2; null (no policy) counts as none; anything else is -1.</summary>
    public static int Strictness(string? policy) => policy?.ToLowerInvariant() switch
    {
        null or "none" => 0,
        "quarantine" => 1,
        "reject" => 2,
        _ => -1,
    };

    public static ParseResult<DmarcRecord> Parse(string txt)
    {
        if (!IsDmarc(txt))
        {
            return ParseResult<DmarcRecord>.Failure(Rule, "the record must begin with 'v=DMARC1'");
        }

        var parsed = TagList.Parse(txt, Rule);
        var problems = new List<RecordProblem>(parsed.Problems);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in parsed.Value ?? [])
        {
            tags[k] = v;
        }

        var record = new DmarcRecord(tags);
        var rua = record.Rua;
        var before = problems.Count;
        CheckUris("rua", rua, problems);
        var hasRua = rua.Count > 0 && !problems.Skip(before).Any(p => p.Severity >= Severity.Error);
        CheckUris("ruf", record.Ruf, problems);
        if (record.P is null)
        {
            problems.Add(hasRua
                ? new(Severity.Warning, Rule, "no 'p' tag; with a valid rua the record is treated as p=none (monitoring only)")
                : new(Severity.Error, Rule, "the 'p' tag (none, quarantine or reject) is required unless a valid 'rua' is given"));
        }

        CheckOneOf(record, "p", Policies, problems);
        CheckOneOf(record, "sp", Policies, problems);
        CheckOneOf(record, "np", Policies, problems);
        CheckOneOf(record, "psd", Psds, problems);
        CheckOneOf(record, "t", YesNo, problems);
        CheckOneOf(record, "adkim", Alignments, problems);
        CheckOneOf(record, "aspf", Alignments, problems);
        if (record.Fo is { } fo && fo.Split(':').Select(TagList.TrimFws).Any(o => o is not ("0" or "1" or "d" or "s")))
        {
            problems.Add(new(Severity.Error, Rule, $"fo '{fo}' must be a ':'-separated list of 0, 1, d, s"));
        }

        foreach (var legacy in LegacyTags)
        {
            if (tags.ContainsKey(legacy))
            {
                problems.Add(new(Severity.Warning, LegacyRule, $"'{legacy}': legacy tag removed in RFC 9989; receivers ignore it"));
            }
        }

        if (tags.TryGetValue("pct", out var pct) && record.Pct is not (>= 0 and <= 100))
        {
            problems.Add(new(Severity.Error, "RFC 7489 §6.3", $"pct '{pct}' must be an integer 0-100"));
        }

        var failed = problems.Any(p => p.Severity >= Severity.Error);
        return new(failed ? null : record, problems);
    }

    /// <summary>Canonical order (v, p, sp, np, psd, t, adkim, aspf, fo, pct, rf, ri, rua, ruf, then others by name).</summary>
    public string Render()
    {
        var known = CanonicalOrder.Where(k => k != "v" && Get(k) is not null).Select(k => new KeyValuePair<string, string>(k, Get(k)!));
        var others = Tags.Where(t => !CanonicalOrder.Contains(t.Key.ToLowerInvariant()))
            .OrderBy(t => t.Key, StringComparer.OrdinalIgnoreCase)
            .Select(t => new KeyValuePair<string, string>(t.Key.ToLowerInvariant(), t.Value));
        return TagList.Render([new("v", "DMARC1"), .. known, .. others]);
    }

    /// <summary>Equal after defaults; tag order, case and white space ignored; rua and ruf compared as sets.</summary>
    public bool SemanticEquals(DmarcRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return EffectiveP == other.EffectiveP && EffectiveSp == other.EffectiveSp && EffectiveNp == other.EffectiveNp &&
               EffectivePsd == other.EffectivePsd && EffectiveT == other.EffectiveT &&
               EffectiveAdkim == other.EffectiveAdkim && EffectiveAspf == other.EffectiveAspf &&
               FoSet(this).SetEquals(FoSet(other)) && EffectivePct == other.EffectivePct &&
               (Lower("rf") ?? "afrf") == (other.Lower("rf") ?? "afrf") &&
               (Lower("ri") ?? "86400") == (other.Lower("ri") ?? "86400") &&
               ReportUri.SameSet(Rua, other.Rua) &&
               ReportUri.SameSet(Ruf, other.Ruf);
    }

    private string? Get(string name)
    {
        if (Tags.TryGetValue(name, out var v))
        {
            return v;
        }

        if (!mixedCaseNames)
        {
            // Asked names are lower-case: with only lower-case names written, a miss is an absent tag.
            return null;
        }

        foreach (var (k, value) in Tags)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static bool HasUpper(string name)
    {
        foreach (var c in name)
        {
            if (char.IsUpper(c))
            {
                return true;
            }
        }

        return false;
    }

    private string? Lower(string name) => Get(name) is { } v ? TagList.TrimFws(v).ToLowerInvariant() : null;

    private static HashSet<string> FoSet(DmarcRecord r) =>
        r.EffectiveFo.Split(':').Select(TagList.TrimFws).ToHashSet(StringComparer.Ordinal);

    private static void CheckOneOf(DmarcRecord record, string tag, ImmutableArray<string> allowed, List<RecordProblem> problems)
    {
        if (record.Lower(tag) is { } value && !allowed.Contains(value))
        {
            problems.Add(new(Severity.Error, Rule, $"{tag} '{record.Get(tag)}' must be one of {string.Join(", ", allowed)}"));
        }
    }

    private static void CheckUris(string tag, IReadOnlyList<string> uris, List<RecordProblem> problems)
    {
        foreach (var uri in uris)
        {
            var bare = StripSize(uri);
            if (ReportUri.IsMailto(bare))
            {
                if (!ReportUri.IsValidMailto(bare, out var error))
                {
                    problems.Add(new(Severity.Error, Rule, $"{tag}: {error}"));
                }
            }
            else if (!Uri.TryCreate(bare, UriKind.Absolute, out _))
            {
                problems.Add(new(Severity.Error, Rule, $"{tag}: '{uri}' is not a URI"));
            }
            else
            {
                problems.Add(new(Severity.Warning, Rule, $"{tag}: '{uri}' is not a mailto: URI; receivers may not send reports to it"));
            }
        }
    }

    /// <summary>Removes an RFC 7489 size limit suffix such as <c>!10m</c>.</summary>
    private static string StripSize(string uri)
    {
        var bang = uri.LastIndexOf('!');
        return bang > 0 && uri[(bang + 1)..].TrimEnd('k', 'm', 'g', 't', 'K', 'M', 'G', 'T') is { Length: > 0 } n && n.All(char.IsAsciiDigit)
            ? uri[..bang]
            : uri;
    }
}
