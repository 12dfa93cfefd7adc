using Reconciler.Plan;

namespace Reconciler.Report.GitHub;

/// <summary>One PR per domain whose MTA-STS id needs a bump: branch, one commit, PR; updated in place, closed when obsolete.</summary>
internal static class IdBumpReporter
{
    public const string BranchPrefix = "reconciler/mta-sts-id/";

    public static string BranchOf(string domain) => BranchPrefix + domain;

    public static async Task ReportAsync(ReportContext ctx, ReportInput input, CancellationToken ct)
    {
        var bumps = input.Plan.Domains.Where(d => d.MtaSts?.ProposedId is not null).ToList();
        var openPrs = await ctx.Port.ListOpenPullRequestsAsync(ct).ConfigureAwait(false);
        var ours = openPrs.Where(p => p.HeadRef.StartsWith(BranchPrefix, StringComparison.Ordinal)).ToList();

        string? configHead = null;
        foreach (var plan in bumps)
        {
            await IssueReporter.Guard(ctx, plan.Domain, async () =>
            {
                configHead ??= await ctx.Port.GetBranchHeadAsync(input.ConfigBranch, ct).ConfigureAwait(false)
                    ?? throw new GitHubApiException(404, $"config branch '{input.ConfigBranch}' not found");
                var branch = BranchOf(plan.Domain);
                var prs = ours.Where(p => p.HeadRef == branch).OrderBy(p => p.Number).ToList();
                await BumpAsync(ctx, input, plan, configHead, branch, prs, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        var wanted = bumps.Select(b => BranchOf(b.Domain)).ToHashSet(StringComparer.Ordinal);
        var planned = input.Plan.Domains.ToDictionary(d => d.Domain, StringComparer.OrdinalIgnoreCase);
        var invalid = input.Invalid.Select(i => i.Domain).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var declared = input.DeclaredDomains.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var pr in ours.Where(p => !wanted.Contains(p.HeadRef)))
        {
            var domain = pr.HeadRef[BranchPrefix.Length..];
            var reason = planned.TryGetValue(domain, out var p)
                ? p.Status is DomainStatus.Unknown or DomainStatus.Invalid ? null : "the declared and published policies agree, no id bump is needed any more"
                : invalid.Contains(domain) || declared.Contains(domain) ? null : "the domain is no longer declared";
            if (reason is null)
            {
                continue;
            }

            await IssueReporter.Guard(ctx, domain, () => ClosePrAsync(ctx, pr, $"Closing: {reason}.", ct)).ConfigureAwait(false);
        }
    }

    private static async Task BumpAsync(
        ReportContext ctx, ReportInput input, DomainPlan plan, string configHead, string branch, List<GhPullRequest> prs, CancellationToken ct)
    {
        var ids = plan.MtaSts!;
        var domainFile = await FindDomainFileAsync(ctx.Port, plan.Domain, configHead, ct).ConfigureAwait(false);
        if (domainFile is null)
        {
            ctx.Note("skip", plan.Domain, $"no domains/{plan.Domain}.yaml or .yml at {input.ConfigBranch}");
            return;
        }

        var branchHead = await ctx.Port.GetBranchHeadAsync(branch, ct).ConfigureAwait(false);
        var onBranch = branchHead is null ? null : await ctx.Port.GetFileAsync(domainFile.Path, branchHead, ct).ConfigureAwait(false);
        var id = EffectiveId(ids, onBranch is null ? null : IdLineEditor.ReadId(onBranch.Content));
        var edit = IdLineEditor.ReplaceId(domainFile.Content, id);
        if (!edit.Ok)
        {
            ctx.Note("skip", plan.Domain, $"{domainFile.Path}: {edit.Error}");
            return;
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal) { [domainFile.Path] = edit.Text! };
        if (input.Render.Policies is { } template && ids.DeclaredPolicy is { } policy)
        {
            files[template.Replace("{domain}", plan.Domain, StringComparison.Ordinal)] = policy;
        }

        var title = $"MTA-STS: bump id for {plan.Domain} to {id}";
        var body = IdBumpText.Body(plan, id);
        if (branchHead is null || !await SameContentAsync(ctx.Port, files, branchHead, onBranch, ct).ConfigureAwait(false))
        {
            var message = $"{title}\n\nChanges only mta_sts.id{(files.Count > 1 ? " and writes the rendered policy" : "")}.";
            var commit = "(new commit)";
            await ctx.DoAsync("update-file", branch, string.Join(", ", files.Keys),
                async () => commit = await ctx.Port.CreateCommitAsync(configHead, files, message, ct).ConfigureAwait(false)).ConfigureAwait(false);
            if (branchHead is null)
            {
                await ctx.DoAsync("create-branch", branch, $"at {commit} on {input.ConfigBranch}", async () =>
                {
                    try
                    {
                        await ctx.Port.CreateBranchAsync(branch, commit, ct).ConfigureAwait(false);
                    }
                    catch (GitHubApiException ex) when (ex.IsValidation)
                    {
                        // Another replica created it a moment ago with the same content: take it over.
                        await ctx.Port.UpdateBranchAsync(branch, commit, force: true, ct).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            }
            else
            {
                await ctx.DoAsync("update-branch", branch, $"reset to {commit}",
                    () => ctx.Port.UpdateBranchAsync(branch, commit, force: true, ct)).ConfigureAwait(false);
            }
        }

        foreach (var extra in prs.Skip(1))
        {
            await ClosePrAsync(ctx, extra, $"Duplicate of #{prs[0].Number}.", ct).ConfigureAwait(false);
        }

        if (prs.Count > 0)
        {
            var pr = prs[0];
            if (pr.Title != title || pr.Body != body)
            {
                await ctx.DoAsync("update-pr", $"#{pr.Number}", title,
                    () => ctx.Port.EditPullRequestAsync(pr.Number, new GhEdit(title, body), ct)).ConfigureAwait(false);
            }

            return;
        }

        await ctx.DoAsync("create-pr", branch, title, async () =>
        {
            try
            {
                await ctx.Port.CreatePullRequestAsync(title, branch, input.ConfigBranch, body, ct).ConfigureAwait(false);
            }
            catch (GitHubApiException ex) when (ex.IsValidation)
            {
                // Another replica opened it a moment ago: that one is the PR; nothing else to do.
                var now = await ctx.Port.ListOpenPullRequestsAsync(ct).ConfigureAwait(false);
                if (now.All(p => p.HeadRef != branch))
                {
                    throw;
                }
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The id to propose: the one already on the PR branch when it is still a valid bump (newer than
    /// both the declared and the live id), so re-runs keep the PR as it is; else the plan's.
    /// </summary>
    internal static string EffectiveId(MtaStsIds ids, string? onBranch)
    {
        if (onBranch is null || onBranch == ids.DeclaredId || onBranch == ids.LiveId
            || onBranch.Length is < 1 or > 32 || !onBranch.All(char.IsAsciiLetterOrDigit))
        {
            return ids.ProposedId!;
        }

        var newer = string.CompareOrdinal(onBranch, ids.DeclaredId ?? "") > 0 && string.CompareOrdinal(onBranch, ids.LiveId ?? "") > 0;
        return newer ? onBranch : ids.ProposedId!;
    }

    private static async Task<GhFile?> FindDomainFileAsync(IGitHubPort port, string domain, string gitRef, CancellationToken ct) =>
        await port.GetFileAsync($"domains/{domain}.yaml", gitRef, ct).ConfigureAwait(false)
        ?? await port.GetFileAsync($"domains/{domain}.yml", gitRef, ct).ConfigureAwait(false);

    private static async Task<bool> SameContentAsync(
        IGitHubPort port, Dictionary<string, string> files, string branchHead, GhFile? known, CancellationToken ct)
    {
        foreach (var (path, content) in files)
        {
            var current = known?.Path == path ? known : await port.GetFileAsync(path, branchHead, ct).ConfigureAwait(false);
            if (current?.Content != content)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task ClosePrAsync(ReportContext ctx, GhPullRequest pr, string comment, CancellationToken ct)
    {
        await ctx.DoAsync("comment", $"#{pr.Number}", comment,
            () => ctx.Port.AddCommentAsync(pr.Number, comment, ct)).ConfigureAwait(false);
        await ctx.DoAsync("close-pr", $"#{pr.Number}", $"{pr.HeadRef}: {comment}",
            () => ctx.Port.EditPullRequestAsync(pr.Number, new GhEdit(Open: false), ct)).ConfigureAwait(false);
    }
}
