using System.Text;
using Reconciler.Plan;
using Reconciler.Report.Markdown;

namespace Reconciler.Report.GitHub;

/// <summary>The body of an id-bump PR: the policy before and after (escaped) and the safe rollout order.</summary>
internal static class IdBumpText
{
    public static string Body(DomainPlan plan, string id)
    {
        var ids = plan.MtaSts!;
        var sb = new StringBuilder();
        sb.Append($"<!-- reconciler:mta-sts-id {plan.Domain} -->\n");
        sb.Append($"The declared MTA-STS policy of `{MarkdownText.Inline(plan.Domain)}` differs from the published one, ");
        sb.Append($"but the declared id still equals the live one (`{Clean(ids.LiveId)}`). Senders would keep their cached policy, ");
        sb.Append($"so this PR changes `mta_sts.id` to `{Clean(id)}` and nothing else in the domain file.\n\n");
        sb.Append("### Published policy (before)\n\n").Append(MarkdownText.CodeBlock(ids.LivePolicy ?? "(none)")).Append("\n\n");
        sb.Append("### Declared policy (after)\n\n").Append(MarkdownText.CodeBlock(ids.DeclaredPolicy ?? "(none)")).Append("\n\n");
        if (plan.Fix.Count > 0)
        {
            sb.Append("### Safe rollout order\n\n");
            foreach (var step in plan.Fix)
            {
                // Re-runs keep the id already on the branch: the steps must name that one.
                var text = ids.ProposedId is { } proposed && proposed != id ? step.Replace(proposed, id, StringComparison.Ordinal) : step;
                PlanMarkdown.AppendStep(sb, text);
            }
        }

        var body = sb.ToString();
        return body.Length <= PlanMarkdown.MaxBodyLength ? body : MarkdownText.Bound(body, PlanMarkdown.MaxBodyLength - 1);
    }

    private static string Clean(string? id) => id is null ? "none" : new string(id.Where(char.IsAsciiLetterOrDigit).Take(32).ToArray());
}
