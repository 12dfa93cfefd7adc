using Reconciler.Records;

namespace Reconciler.Plan.Output;

/// <summary>
/// The human-readable plan: grouped by domain, findings with expected/actual, fix steps, one summary
/// line. ANSI colour only when asked (the caller decides: a terminal and <c>NO_COLOR</c> unset).
/// </summary>
public static class PlanText
{
    private const string Reset = "\u001b[0m";
    private const string Red = "\u001b[31m";
    private const string Yellow = "\u001b[33m";
    private const string Green = "\u001b[32m";
    private const string Bold = "\u001b[1m";
    private const string Dim = "\u001b[2m";

    /// <summary>Colour when the output is a terminal and the <c>NO_COLOR</c> variable is unset or empty.</summary>
    public static bool UseColor(bool outputIsTerminal, string? noColor) => outputIsTerminal && string.IsNullOrEmpty(noColor);

    public static async Task WriteAsync(TextWriter output, ReconcilePlan plan, bool color, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var domain in plan.Domains)
        {
            ct.ThrowIfCancellationRequested();
            await output.WriteAsync(Format(domain, color).AsMemory(), ct).ConfigureAwait(false);
        }

        await output.WriteLineAsync(Summary(plan.Summary, color).AsMemory(), ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    public static string Format(DomainPlan domain, bool color)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var b = new System.Text.StringBuilder();
        var status = domain.Status switch
        {
            DomainStatus.InSync => Paint("in sync", Green, color),
            DomainStatus.Drift => Paint("drift", Red, color),
            DomainStatus.Unknown => Paint("unknown", Yellow, color),
            _ => Paint("invalid", Red, color),
        };
        b.Append(Paint(domain.Domain, Bold, color)).Append(": ").Append(status);
        if (domain.Findings.Count > 0)
        {
            b.Append(" (").Append(domain.Findings.Count).Append(domain.Findings.Count == 1 ? " finding)" : " findings)");
        }

        b.Append('\n');
        foreach (var f in domain.Findings)
        {
            b.Append("  ").Append(Paint(ContractNames.Of(f.Severity).PadRight(8), SeverityColor(f.Severity), color))
                .Append(' ').Append(f.Check).Append(' ').Append(ContractNames.Of(f.Kind)).Append(' ').Append(OneLine(f.Name)).Append('\n')
                .Append("           ").Append(OneLine(f.Message)).Append('\n');
            if (f.Expected is not null)
            {
                b.Append("           ").Append(Paint("expected: ", Dim, color)).Append(OneLine(f.Expected)).Append('\n');
            }

            if (f.Actual is not null)
            {
                b.Append("           ").Append(Paint("actual:   ", Dim, color)).Append(OneLine(f.Actual)).Append('\n');
            }
        }

        if (domain.MtaSts?.ProposedId is { } proposed)
        {
            b.Append("  MTA-STS id: declared ").Append(domain.MtaSts.DeclaredId).Append(", live ").Append(domain.MtaSts.LiveId ?? "none")
                .Append(", proposed ").Append(Paint(proposed, Bold, color)).Append('\n');
        }

        if (domain.Fix.Count > 0)
        {
            b.Append("  fix:\n");
            foreach (var step in domain.Fix)
            {
                var lines = step.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
                b.Append("    ").Append(Clean(lines[0])).Append('\n');
                foreach (var line in lines.Skip(1))
                {
                    b.Append("       ").Append(Clean(line)).Append('\n');
                }
            }
        }

        return b.ToString();
    }

    public static string Summary(PlanSummary summary, bool color)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var text = $"{summary.Domains} {(summary.Domains == 1 ? "domain" : "domains")}: {summary.InSync} in sync, {summary.Drift} drift, " +
            $"{summary.Unknown} unknown, {summary.Invalid} invalid";
        var paint = summary.Drift + summary.Invalid > 0 ? Red : summary.Unknown > 0 ? Yellow : Green;
        return Paint(text, paint, color);
    }

    /// <summary>One line, with CR/LF shown as escapes and any other control character (ESC included) as '?'.</summary>
    private static string OneLine(string text) =>
        Clean(text.Replace("\r\n", "\\r\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));

    /// <summary>Live values may carry terminal escapes: every control character but tab becomes '?'.</summary>
    private static string Clean(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsControl(c) && c != '\t' ? '?' : c;
            }
        });

    private static string SeverityColor(Severity s) => s == Severity.Warning ? Yellow : Red;

    private static string Paint(string text, string code, bool color) => color ? code + text + Reset : text;
}
