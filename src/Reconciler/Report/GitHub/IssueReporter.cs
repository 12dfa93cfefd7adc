using Reconciler.Plan;
using Reconciler.Report.Markdown;

namespace Reconciler.Report.GitHub;

/// <summary>Keeps one drift issue per domain: create, edit, reopen, close, de-duplicate.</summary>
internal static class IssueReporter
{
    private const string LabelColor = "d93f0b";
    private const string LabelDescription = "Mail-authentication DNS drift found by the reconciler";

    public static async Task ReportAsync(ReportContext ctx, ReportInput input, CancellationToken ct)
    {
        var login = await ctx.Port.GetCurrentLoginAsync(ct).ConfigureAwait(false);

        // Every pass reads the open issues. The closed ones, which pile up with the fleet's history, are
        // read only when a drifting domain has no open issue: its last closed one is reopened, never a
        // second one opened.
        var byDomain = ByDomain(await ctx.Port.ListIssuesAsync(DriftMarker.Label, login, GhIssueState.Open, ct).ConfigureAwait(false));
        Dictionary<string, List<GhIssue>>? closedByDomain = null;
        var labelChecked = false;
        var invalid = input.Invalid.Select(i => i.Domain).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var declared = input.DeclaredDomains.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var planned = input.Plan.Domains.ToDictionary(d => d.Domain, StringComparer.OrdinalIgnoreCase);
        var opened = new List<(string Domain, GhIssue Issue)>();

        foreach (var plan in input.Plan.Domains)
        {
            var openIssues = byDomain.GetValueOrDefault(plan.Domain) ?? [];
            await Guard(ctx, plan.Domain, async () =>
            {
                var open = await CloseDuplicatesAsync(ctx, openIssues, ct).ConfigureAwait(false);
                switch (plan.Status)
                {
                    case DomainStatus.Drift:
                        List<GhIssue> closed = [];
                        if (open is null)
                        {
                            closedByDomain ??= ByDomain(await ctx.Port.ListIssuesAsync(DriftMarker.Label, login, GhIssueState.Closed, ct).ConfigureAwait(false));
                            closed = closedByDomain.GetValueOrDefault(plan.Domain) ?? [];
                            if (closed.Count == 0 && !labelChecked)
                            {
                                await EnsureLabelAsync(ctx, ct).ConfigureAwait(false);
                                labelChecked = true;
                            }
                        }

                        if (await DriftAsync(ctx, plan, open, closed, ct).ConfigureAwait(false) is { } fresh)
                        {
                            opened.Add((plan.Domain, fresh));
                        }

                        break;
                    case DomainStatus.InSync when open is not null:
                        await CloseAsync(ctx, plan.Domain, open, "The reconciler finds this domain in sync again; closing.", ct).ConfigureAwait(false);
                        break;
                    case DomainStatus.Invalid when open is not null:
                        await InvalidAsync(ctx, plan.Domain, open, ct).ConfigureAwait(false);
                        break;
                    default:
                        // Unknown: nothing was decided, so the issue stays exactly as it is.
                        break;
                }
            }).ConfigureAwait(false);
        }

        if (opened.Count > 0)
        {
            await Guard(ctx, "issues", () => ResolveRacesAsync(ctx, opened, login, ct)).ConfigureAwait(false);
        }

        foreach (var (domain, list) in byDomain.Where(kv => !planned.ContainsKey(kv.Key)))
        {
            await Guard(ctx, domain, async () =>
            {
                var open = await CloseDuplicatesAsync(ctx, list, ct).ConfigureAwait(false);
                if (open is null)
                {
                    return;
                }

                if (invalid.Contains(domain))
                {
                    await InvalidAsync(ctx, domain, open, ct).ConfigureAwait(false);
                }
                else if (!declared.Contains(domain))
                {
                    await CloseAsync(ctx, domain, open, "This domain is no longer declared in the config repository; closing.", ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one domain's work; a GitHub failure is recorded and the other domains go on.</summary>
    internal static async Task Guard(ReportContext ctx, string domain, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (GitHubApiException ex)
        {
            ctx.Note("error", domain, ex.Message);
            ctx.Logger.LogGitHubFailure(domain, ex);
        }
    }

    /// <summary>The issues carrying a drift marker, by the marker's domain, lowest number first.</summary>
    private static Dictionary<string, List<GhIssue>> ByDomain(IReadOnlyList<GhIssue> issues) =>
        issues
            .Select(i => (Issue: i, Marker: DriftMarker.Parse(i.Body)))
            .Where(x => x.Marker is not null)
            .GroupBy(x => x.Marker!.Value.Domain, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Issue).OrderBy(i => i.Number).ToList(), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Edits the domain's open issue, or reopens its last <paramref name="closed"/> one, or creates one;
    /// returns the issue when it opened one (created or reopened).
    /// </summary>
    private static async Task<GhIssue?> DriftAsync(ReportContext ctx, DomainPlan plan, GhIssue? open, List<GhIssue> closed, CancellationToken ct)
    {
        var fp = DriftMarker.Fingerprint(plan.Findings);
        var body = Body(plan, fp);
        var title = DriftMarker.Title(plan.Domain);
        if (open is not null)
        {
            if (DriftMarker.Parse(open.Body)?.Fingerprint != fp || open.Title != title)
            {
                await ctx.DoAsync("edit-issue", $"#{open.Number}", $"{plan.Domain}: findings changed (fp={fp})",
                    () => ctx.Port.EditIssueAsync(open.Number, new GhEdit(title, body), ct)).ConfigureAwait(false);
            }

            return null;
        }

        if (closed.Count > 0)
        {
            var last = closed[^1];
            GhIssue? reopened = null;
            await ctx.DoAsync("reopen-issue", $"#{last.Number}", $"{plan.Domain} drifts again (fp={fp})",
                async () => reopened = await ctx.Port.EditIssueAsync(last.Number, new GhEdit(title, body, Open: true), ct).ConfigureAwait(false)).ConfigureAwait(false);
            return reopened;
        }

        GhIssue? created = null;
        await ctx.DoAsync("create-issue", plan.Domain, $"{title} (fp={fp}, {plan.Findings.Count} findings)",
            async () => created = await ctx.Port.CreateIssueAsync(title, body, [DriftMarker.Label], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Another replica may have opened an issue for the same domain at the same time (created one, or
    /// reopened one that a third had just closed as a duplicate): the lowest number wins, so the opener
    /// of a higher one closes its own. The check lists open and closed issues alike: while the other
    /// replicas close their duplicates, a listing of the open ones shifts between its pages and can
    /// skip the very issue that decides.
    /// </summary>
    private static async Task ResolveRacesAsync(ReportContext ctx, List<(string Domain, GhIssue Issue)> opened, string login, CancellationToken ct)
    {
        var again = await ctx.Port.ListIssuesAsync(DriftMarker.Label, login, GhIssueState.All, ct).ConfigureAwait(false);
        foreach (var (domain, issue) in opened)
        {
            var lower = again
                .Where(i => i.Open && i.Number < issue.Number
                    && string.Equals(DriftMarker.Parse(i.Body)?.Domain, domain, StringComparison.OrdinalIgnoreCase))
                .OrderBy(i => i.Number)
                .FirstOrDefault();
            if (lower is not null)
            {
                await CloseAsync(ctx, domain, issue, $"Duplicate of #{lower.Number}.", ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes all open issues of a domain but the lowest, which it returns (null when none is open).</summary>
    private static async Task<GhIssue?> CloseDuplicatesAsync(ReportContext ctx, List<GhIssue> issues, CancellationToken ct)
    {
        var open = issues.Where(i => i.Open).OrderBy(i => i.Number).ToList();
        foreach (var dup in open.Skip(1))
        {
            await CloseAsync(ctx, $"#{dup.Number}", dup, $"Duplicate of #{open[0].Number}.", ct).ConfigureAwait(false);
        }

        return open.FirstOrDefault();
    }

    private static async Task CloseAsync(ReportContext ctx, string why, GhIssue issue, string comment, CancellationToken ct)
    {
        await ctx.DoAsync("comment", $"#{issue.Number}", comment,
            () => ctx.Port.AddCommentAsync(issue.Number, comment, ct)).ConfigureAwait(false);
        await ctx.DoAsync("close-issue", $"#{issue.Number}", $"{why}: {comment}",
            () => ctx.Port.EditIssueAsync(issue.Number, new GhEdit(Open: false), ct)).ConfigureAwait(false);
    }

    /// <summary>One comment per invalid spell: not again while the last reconciler comment says the same.</summary>
    private static async Task InvalidAsync(ReportContext ctx, string domain, GhIssue open, CancellationToken ct)
    {
        var marker = $"<!-- reconciler:invalid {domain} -->";
        var comments = await ctx.Port.ListCommentsAsync(open.Number, ct).ConfigureAwait(false);
        var last = comments.LastOrDefault(c => c.Body.Contains("<!-- reconciler:", StringComparison.Ordinal));
        if (last is not null && last.Body.Contains(marker, StringComparison.Ordinal))
        {
            return;
        }

        var text = $"{marker}\nThe declaration of `{MarkdownText.Inline(domain)}` is invalid (see `reconciler validate`); "
            + "this issue stays open until the domain can be checked again.";
        await ctx.DoAsync("comment", $"#{open.Number}", $"{domain}: declaration invalid",
            () => ctx.Port.AddCommentAsync(open.Number, text, ct)).ConfigureAwait(false);
    }

    private static async Task EnsureLabelAsync(ReportContext ctx, CancellationToken ct)
    {
        if (!await ctx.Port.LabelExistsAsync(DriftMarker.Label, ct).ConfigureAwait(false))
        {
            await ctx.DoAsync("create-label", DriftMarker.Label, "label for drift issues",
                () => ctx.Port.CreateLabelAsync(DriftMarker.Label, LabelColor, LabelDescription, ct)).ConfigureAwait(false);
        }
    }

    internal static string Body(DomainPlan plan, string fingerprint)
    {
        var marker = DriftMarker.Line(plan.Domain, fingerprint);
        var budget = PlanMarkdown.MaxBodyLength - marker.Length - 200;
        return $"{marker}\n{PlanMarkdown.Domain(plan, budget)}\n---\n_Maintained by the reconciler: edited when the findings change, closed when the domain is in sync._\n";
    }
}
