using Reconciler.Desired;
using Reconciler.Plan;

namespace Reconciler.Report.GitHub;

/// <summary>
/// What the reporter needs: the plan, the domains whose config is invalid, the config branch and
/// commit, render settings and every declared domain (a filtered run must not close the others).
/// </summary>
public sealed record ReportInput(
    ReconcilePlan Plan,
    IReadOnlyList<InvalidDomain> Invalid,
    string ConfigBranch,
    string ConfigCommitSha,
    RenderSettings Render,
    IReadOnlyCollection<string> DeclaredDomains);

/// <summary>
/// One write (done, or in dry-run planned): <c>create-issue</c>, <c>edit-issue</c>, <c>close-issue</c>,
/// <c>reopen-issue</c>, <c>comment</c>, <c>create-label</c>, <c>create-branch</c>, <c>update-branch</c>,
/// <c>update-file</c>, <c>create-pr</c>, <c>update-pr</c>, <c>close-pr</c>, <c>set-status</c>; and
/// <c>skip</c> or <c>error</c> for a domain that could not be reported.
/// </summary>
public sealed record ReportAction(string Verb, string Target, string Detail)
{
    public override string ToString() => $"{Verb} {Target}: {Detail}";
}

public sealed record ReportResult(IReadOnlyList<ReportAction> Actions)
{
    public IReadOnlyList<ReportAction> Errors => Actions.Where(a => a.Verb == "error").ToList();

    /// <summary>Actions that write to GitHub (everything but <c>skip</c> and <c>error</c>).</summary>
    public IReadOnlyList<ReportAction> Writes => Actions.Where(a => a.Verb is not ("error" or "skip")).ToList();
}
