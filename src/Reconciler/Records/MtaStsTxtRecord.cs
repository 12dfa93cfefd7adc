namespace Reconciler.Records;

/// <summary>The <c>_mta-sts</c> TXT record, RFC 8461 §3.1: <c>v=STSv1; id=...</c>.</summary>
public sealed record MtaStsTxtRecord(string Id)
{
    public const string Rule = "RFC 8461 §3.1";

    /// <summary>True when <paramref name="txt"/> begins with <c>v=STSv1</c> (case-sensitive) followed by ';', space or end.</summary>
    public static bool IsMtaSts(string txt)
    {
        if (txt is null || !txt.StartsWith("v=STSv1", StringComparison.Ordinal))
        {
            return false;
        }

        return txt.Length == 7 || txt[7] is ';' or ' ' or '\t';
    }

    /// <summary>1 to 32 ASCII letters or digits.</summary>
    public static bool IsValidId(string id) =>
        id is { Length: >= 1 and <= 32 } && id.All(char.IsAsciiLetterOrDigit);

    public static ParseResult<MtaStsTxtRecord> Parse(string txt)
    {
        if (!IsMtaSts(txt))
        {
            return ParseResult<MtaStsTxtRecord>.Failure(Rule, "the record must begin with 'v=STSv1' (case-sensitive)");
        }

        var tags = TagList.Parse(txt, Rule, caseSensitiveNames: true);
        var problems = new List<RecordProblem>(tags.Problems);
        var list = tags.Value ?? [];
        TagList.WarnMiscased(list, ["v", "id"], Rule, problems);
        var id = TagList.Get(list, "id");
        if (id is null)
        {
            problems.Add(new RecordProblem(Severity.Error, Rule, "the 'id' field is required"));
        }
        else if (!IsValidId(id))
        {
            problems.Add(new RecordProblem(Severity.Error, Rule, $"id '{id}' must be 1-32 letters or digits"));
        }

        var ok = id is not null && IsValidId(id) && !problems.Any(p => p.Severity >= Severity.Error);
        return new(ok ? new MtaStsTxtRecord(id!) : null, problems);
    }

    public string Render() => $"v=STSv1; id={Id}";
}
