namespace Reconciler.Records;

/// <summary>The <c>_smtp._tls</c> TXT record, RFC 8460 §3: <c>v=TLSRPTv1; rua=...</c>.</summary>
public sealed record TlsRptRecord(IReadOnlyList<string> Rua)
{
    public const string Rule = "RFC 8460 §3";

    /// <summary>True when <paramref name="txt"/> begins with <c>v=TLSRPTv1</c> followed by ';', space or end.</summary>
    public static bool IsTlsRpt(string txt)
    {
        const string version = "v=TLSRPTv1";
        if (txt is null || !txt.StartsWith(version, StringComparison.Ordinal))
        {
            return false;
        }

        return txt.Length == version.Length || txt[version.Length] is ';' or ' ' or '\t';
    }

    /// <summary>A <c>mailto:</c> address or an absolute <c>https:</c> URI.</summary>
    public static bool IsValidRua(string uri, out string? error)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            error = "the rua URI is empty";
            return false;
        }

        if (ReportUri.IsMailto(uri))
        {
            return ReportUri.IsValidMailto(uri, out error);
        }

        if (ReportUri.IsHttps(uri))
        {
            return ReportUri.IsValidHttps(uri, out error);
        }

        error = $"'{uri}' must be a mailto: or https: URI";
        return false;
    }

    public static ParseResult<TlsRptRecord> Parse(string txt)
    {
        if (!IsTlsRpt(txt))
        {
            return ParseResult<TlsRptRecord>.Failure(Rule, "the record must begin with 'v=TLSRPTv1' (case-sensitive)");
        }

        var tags = TagList.Parse(txt, Rule, caseSensitiveNames: true);
        var problems = new List<RecordProblem>(tags.Problems);
        TagList.WarnMiscased(tags.Value ?? [], ["v", "rua"], Rule, problems);
        var rua = TagList.Get(tags.Value ?? [], "rua");
        var uris = ReportUri.SplitList(rua);
        if (rua is null || uris.Count == 0)
        {
            problems.Add(new(Severity.Error, Rule, "the 'rua' field with at least one mailto: or https: URI is required"));
        }

        foreach (var uri in uris)
        {
            if (!IsValidRua(uri, out var error))
            {
                problems.Add(new(Severity.Error, Rule, error!));
            }
        }

        var failed = problems.Any(p => p.Severity >= Severity.Error);
        return new(failed ? null : new TlsRptRecord(uris), problems);
    }

    public string Render() => "v=TLSRPTv1; rua=" + string.Join(",", Rua);

    /// <summary>Same rua URIs as a set; scheme and mailto domain compared case-insensitively.</summary>
    public bool SemanticEquals(TlsRptRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReportUri.SameSet(Rua, other.Rua);
    }
}
