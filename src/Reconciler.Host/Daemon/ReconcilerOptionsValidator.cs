using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Reconciler.Host.Daemon;

/// <summary>
/// DataAnnotations on every section (the built-in validation does not descend into nested
/// records) plus the rules that span keys. Every message names the configuration key.
/// </summary>
public sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Annotate(options, errors);
        Annotate(options.Desired, errors);
        Annotate(options.GitHub, errors);
        Annotate(options.Webhook, errors);
        Annotate(options.LeaderElection, errors);

        if (ShardSpec.TryParse(options.Shard) is null && !errors.Exists(e => e.StartsWith("Reconciler:Shard", StringComparison.Ordinal)))
        {
            errors.Add($"Reconciler:Shard must be I/N with 0 <= I < N <= 1024, got '{options.Shard}'.");
        }

        for (var i = 0; i < options.Dns.Count; i++)
        {
            if (!Commands.ObserveOptions.TryParseEndpoint(options.Dns[i], out _, out var host, out var error) && host is null)
            {
                errors.Add($"Reconciler:Dns:{i}: '{options.Dns[i]}': {error}.");
            }
        }

        if (options.CaFile is { Length: > 0 } ca && Observe.LiveObserverOptions.CheckCaFile(ca) is { } problem)
        {
            errors.Add($"Reconciler:CaFile: '{ca}': {problem}.");
        }

        var hasDirectory = !string.IsNullOrWhiteSpace(options.Desired.Directory);
        var hasGitHub = !string.IsNullOrWhiteSpace(options.Desired.GitHubRepo);
        if (hasDirectory == hasGitHub)
        {
            errors.Add(hasDirectory
                ? "Reconciler:Desired: set exactly one desired source, not both Reconciler:Desired:Directory (--repo) and Reconciler:Desired:GitHubRepo (--source-github-repo)."
                : "Reconciler:Desired: set exactly one desired source: Reconciler:Desired:Directory (--repo) or Reconciler:Desired:GitHubRepo (--source-github-repo).");
        }

        var election = options.LeaderElection;
        if (election.Enabled)
        {
            if (string.IsNullOrWhiteSpace(election.Namespace))
            {
                errors.Add("Reconciler:LeaderElection:Namespace is required when Reconciler:LeaderElection:Enabled is true (use the downward API: POD_NAMESPACE).");
            }

            if (election.RenewDeadline >= election.LeaseDuration || election.RetryPeriod >= election.RenewDeadline)
            {
                errors.Add("Reconciler:LeaderElection: RetryPeriod < RenewDeadline < LeaseDuration must hold.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Annotate(object section, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)));
        }
    }
}
