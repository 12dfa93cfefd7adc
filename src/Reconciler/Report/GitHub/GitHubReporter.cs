using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Reconciler.Report.GitHub;

/// <summary>
/// Turns a plan into what people review on GitHub: drift issues, id-bump PRs and a commit status.
/// All state lives in GitHub (markers, branch names), so runs are idempotent across restarts and
/// replicas; a run with nothing new makes no write call. In dry-run mode it only lists the actions.
/// </summary>
public sealed class GitHubReporter(IGitHubPort port, ILogger<GitHubReporter>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<ReportResult> ReportAsync(ReportInput input, bool dryRun, CancellationToken ct)
    {
        var ctx = new ReportContext(port, dryRun, _logger);
        await IssueReporter.Guard(ctx, "issues", () => IssueReporter.ReportAsync(ctx, input, ct)).ConfigureAwait(false);
        await IssueReporter.Guard(ctx, "pull-requests", () => IdBumpReporter.ReportAsync(ctx, input, ct)).ConfigureAwait(false);
        await IssueReporter.Guard(ctx, input.ConfigCommitSha, () => StatusReporter.ReportAsync(ctx, input, ct)).ConfigureAwait(false);
        var result = new ReportResult(ctx.Actions);
        _logger.LogInformation("GitHub report {Mode}: {Writes} writes, {Errors} errors",
            dryRun ? "(dry run)" : "done", result.Writes.Count, result.Errors.Count);
        return result;
    }
}
