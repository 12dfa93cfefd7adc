using Reconciler.Plan;

namespace Reconciler.Report.GitHub;

/// <summary>The commit status on the config commit, posted only when it would say something new.</summary>
internal static class StatusReporter
{
    public const string Context = "reconciler/mail-auth";

    /// <summary>A full commit SHA: 40 (SHA-1) or 64 (SHA-256) hex digits.</summary>
    public static bool IsCommitSha(string revision) =>
        revision.Length is 40 or 64 && revision.All(char.IsAsciiHexDigit);

    public static GhCommitStatus Compute(ReportInput input)
    {
        var planned = input.Plan.Domains.Select(d => d.Domain).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var invalidOnly = input.Invalid.Select(i => i.Domain).Distinct(StringComparer.OrdinalIgnoreCase).Count(d => !planned.Contains(d));
        var total = input.Plan.Domains.Count + invalidOnly;
        var undecided = input.Plan.Domains.Count(d => d.Status is DomainStatus.Unknown or DomainStatus.Invalid) + invalidOnly;
        var drift = input.Plan.Domains.Count(d => d.Status == DomainStatus.Drift);
        var noun = total == 1 ? "domain" : "domains";
        if (undecided > 0)
        {
            return new GhCommitStatus("error", Context, $"{undecided} of {total} {noun} could not be checked");
        }

        return drift > 0
            ? new GhCommitStatus("failure", Context, $"{drift} of {total} {noun} drift")
            : new GhCommitStatus("success", Context, $"{total} {noun} in sync");
    }

    public static async Task ReportAsync(ReportContext ctx, ReportInput input, CancellationToken ct)
    {
        if (!IsCommitSha(input.ConfigCommitSha))
        {
            // A checkout without Git metadata is known by a fingerprint of its files: there is no commit to mark.
            ctx.Note("skip", input.ConfigCommitSha, "the desired state is not at a Git commit (no .git): no commit status");
            return;
        }

        var wanted = Compute(input);
        var statuses = await ctx.Port.ListCommitStatusesAsync(input.ConfigCommitSha, ct).ConfigureAwait(false);
        var latest = statuses.FirstOrDefault(s => s.Context == Context);
        if (latest is not null && latest.State == wanted.State && latest.Description == wanted.Description)
        {
            return;
        }

        await ctx.DoAsync("set-status", input.ConfigCommitSha, $"{wanted.State}: {wanted.Description}",
            () => ctx.Port.CreateCommitStatusAsync(input.ConfigCommitSha, wanted, ct)).ConfigureAwait(false);
    }
}
