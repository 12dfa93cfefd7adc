namespace Reconciler.Desired;

/// <summary>
/// <c>render:</c> in reconciler.yaml. <see cref="Policies"/> is a path template with <c>{domain}</c>,
/// relative to the repository, where PRs write the rendered policy file; null when unset.
/// </summary>
public sealed record RenderSettings(string? Policies);
