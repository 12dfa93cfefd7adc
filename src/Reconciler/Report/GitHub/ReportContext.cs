using Microsoft.Extensions.Logging;

namespace Reconciler.Report.GitHub;

/// <summary>One reporting run: records every action and performs writes unless it is a dry run.</summary>
internal sealed class ReportContext(IGitHubPort port, bool dryRun, ILogger logger)
{
    private readonly List<ReportAction> _actions = [];
    private readonly Lock _gate = new();

    public IGitHubPort Port { get; } = port;

    public bool DryRun { get; } = dryRun;

    public ILogger Logger { get; } = logger;

    public IReadOnlyList<ReportAction> Actions
    {
        get
        {
            lock (_gate)
            {
                return _actions.ToList();
            }
        }
    }

    public void Note(string verb, string target, string detail)
    {
        lock (_gate)
        {
            _actions.Add(new ReportAction(verb, target, detail));
        }
    }

    /// <summary>Records the action, then performs <paramref name="write"/> unless dry-running.</summary>
    public async Task DoAsync(string verb, string target, string detail, Func<Task> write)
    {
        Note(verb, target, detail);
        if (DryRun)
        {
            return;
        }

        Logger.LogInformation("GitHub {Verb} {Target}: {Detail}", verb, target, detail);
        await write().ConfigureAwait(false);
    }
}
