using Microsoft.Extensions.Logging;

namespace Reconciler.Report.GitHub;

internal static class ReportLog
{
    public static void LogGitHubFailure(this ILogger logger, string target, GitHubApiException ex) =>
        logger.LogWarning(ex, "GitHub reporting for {Target} failed with status {Status}: {Reason}", target, ex.StatusCode, ex.Message);
}
