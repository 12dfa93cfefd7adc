using System.Text;
using System.Text.RegularExpressions;
using Reconciler.Desired;
using Reconciler.Plan;

namespace Reconciler.Report.Markdown;

/// <summary>Renders plans as GitHub Markdown; every value from live DNS or a policy is escaped.</summary>
public static class PlanMarkdown
{
    /// <summary>GitHub's limit on an issue or PR body.</summary>
    public const int MaxBodyLength = 65_536;

    // A zone-file style record inside a single-line fix step: "name [ttl] [IN] TYPE value".
    private static readonly Regex RecordInStep = new(
        @"(?<rec>\S+\.?\s+(?:\d+\s+)?(?:IN\s+)?(?:TXT|MX|CNAME|TLSA)\s+\S.*)$",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly Regex ZoneLine = new(
        @"^\S+\s+(?:\d+\s+)?(?:IN\s+)?(?:TXT|MX|CNAME|TLSA|NS)\s+\S",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>
    /// One domain: status, the findings table, the fix steps. Stays within <paramref name="maxLength"/>
    /// by listing only the first findings and saying how many more there are.
    /// </summary>
    public static string Domain(DomainPlan plan, int maxLength = MaxBodyLength - 512, int headingLevel = 2)
    {
        var shown = plan.Findings.Count;
        while (true)
        {
            var text = Render(plan, shown, headingLevel, fixLimit: int.MaxValue);
            if (text.Length <= maxLength)
            {
                return text;
            }

            if (shown == 0)
            {
                return MarkdownText.Bound(Render(plan, 0, headingLevel, fixLimit: 2000), maxLength);
            }

            shown /= 2;
        }
    }

    /// <summary>The whole plan as a report: a summary table, then one section per domain that is not in sync.</summary>
    public static string Report(ReconcilePlan plan, IReadOnlyList<InvalidDomain>? invalid = null)
    {
        var sb = new StringBuilder();
        var s = plan.Summary;
        sb.Append("# Mail-auth reconciliation plan\n\n");
        sb.Append($"{s.Domains} domains: {s.InSync} in sync, {s.Drift} drift, {s.Unknown} unknown, {s.Invalid} invalid.\n\n");
        sb.Append("| domain | status | findings |\n|---|---|---|\n");
        foreach (var d in plan.Domains)
        {
            sb.Append($"| {MarkdownText.Inline(d.Domain)} | {ContractNames.Of(d.Status)} | {d.Findings.Count} |\n");
        }

        foreach (var bad in invalid ?? [])
        {
            if (plan.Domains.All(d => d.Domain != bad.Domain))
            {
                sb.Append($"| {MarkdownText.Inline(bad.Domain)} | invalid | {MarkdownText.Inline(bad.File)} |\n");
            }
        }

        foreach (var d in plan.Domains.Where(d => d.Status != DomainStatus.InSync || d.Findings.Count > 0))
        {
            sb.Append('\n').Append(Domain(d, MaxBodyLength / 2));
        }

        return sb.ToString();
    }

    private static string Render(DomainPlan plan, int shownFindings, int headingLevel, int fixLimit)
    {
        var h = new string('#', Math.Clamp(headingLevel, 1, 6));
        var sb = new StringBuilder();
        sb.Append($"{h} {MarkdownText.Inline(plan.Domain)}\n\n");
        sb.Append($"Status: **{ContractNames.Of(plan.Status)}**");
        if (plan.MtaSts is { } ids)
        {
            sb.Append($" · MTA-STS id declared `{Id(ids.DeclaredId)}`, live `{Id(ids.LiveId)}`");
            if (ids.ProposedId is not null)
            {
                sb.Append($", proposed `{Id(ids.ProposedId)}`");
            }
        }

        sb.Append("\n\n");
        if (plan.Findings.Count > 0)
        {
            sb.Append($"{h}# Findings\n\n");
            sb.Append("| check | severity | record | expected | actual | message |\n|---|---|---|---|---|---|\n");
            foreach (var f in plan.Findings.Take(shownFindings))
            {
                sb.Append($"| {MarkdownText.Inline(f.Check)} ({ContractNames.Of(f.Kind)}) | {ContractNames.Of(f.Severity)} | ")
                  .Append($"{MarkdownText.Inline(f.Name)} | {Cell(f.Expected)} | {Cell(f.Actual)} | {MarkdownText.Inline(f.Message)} |\n");
            }

            if (shownFindings < plan.Findings.Count)
            {
                sb.Append($"\n… and {plan.Findings.Count - shownFindings} more findings (run `reconciler plan --domain {MarkdownText.Inline(plan.Domain)}` for all).\n");
            }

            sb.Append('\n');
        }

        if (plan.Fix.Count > 0)
        {
            sb.Append($"{h}# Fix, in this order\n\n");
            foreach (var step in plan.Fix)
            {
                AppendStep(sb, step, fixLimit);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// A fix step: its first line as prose; then record lines (zone-file lines, TXT continuations,
    /// policy bodies) verbatim in code blocks, and any further prose lines escaped between them.
    /// </summary>
    public static void AppendStep(StringBuilder sb, string step, int limit = MarkdownText.DefaultBlockLength)
    {
        var lines = step.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        sb.Append(MarkdownText.Inline(lines[0], 1000)).Append("\n\n");
        if (lines.Length == 1)
        {
            var record = RecordInStep.Match(lines[0]);
            if (record.Success)
            {
                sb.Append(MarkdownText.CodeBlock(record.Groups["rec"].Value, maxLength: limit)).Append("\n\n");
            }

            return;
        }

        var code = new List<string>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Trim().Length == 0 || IsProse(line))
            {
                Flush(sb, code, limit);
                if (line.Trim().Length > 0)
                {
                    sb.Append(MarkdownText.Inline(line, 1000)).Append("\n\n");
                }
            }
            else
            {
                code.Add(line);
            }
        }

        Flush(sb, code, limit);
    }

    private static void Flush(StringBuilder sb, List<string> code, int limit)
    {
        if (code.Count > 0)
        {
            sb.Append(MarkdownText.CodeBlock(string.Join('\n', code), maxLength: limit)).Append("\n\n");
            code.Clear();
        }
    }

    /// <summary>A sentence rather than a record: several words, no tab, not indented, not a zone line.</summary>
    private static bool IsProse(string line) =>
        !line.Contains('\t', StringComparison.Ordinal)
        && !char.IsWhiteSpace(line[0]) && line[0] is not ('"' or '(' or ')')
        && line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 4
        && !ZoneLine.IsMatch(line);

    private static string Cell(string? value) => value is null ? "—" : MarkdownText.Inline(value);

    private static string Id(string? id) => id is null ? "none" : new string(id.Where(char.IsAsciiLetterOrDigit).Take(32).ToArray());
}
