using System.Text;
using Microsoft.Extensions.Configuration;

namespace Reconciler.Host.Daemon;

/// <summary>
/// The GitHub token and the webhook secret, kept apart from the options so that no options dump,
/// log line or exception message can carry them. <see cref="ToString"/> says only whether each is set.
/// </summary>
public sealed class DaemonSecrets
{
    public const string TokenVariable = "GITHUB_TOKEN";
    public const string WebhookSecretVariable = "GITHUB_WEBHOOK_SECRET";

    private readonly byte[]? _webhookSecret;

    public DaemonSecrets(string? gitHubToken, string? webhookSecret)
    {
        GitHubToken = string.IsNullOrEmpty(gitHubToken) ? null : gitHubToken;
        _webhookSecret = string.IsNullOrEmpty(webhookSecret) ? null : Encoding.UTF8.GetBytes(webhookSecret);
    }

    public string? GitHubToken { get; }

    public bool HasWebhookSecret => _webhookSecret is not null;

    /// <summary>A copy of the secret's bytes (the HMAC key); empty when none is configured.</summary>
    public ReadOnlySpan<byte> WebhookSecret => _webhookSecret;

    /// <summary>
    /// The token from <c>Reconciler:GitHub:TokenFile</c> (trimmed) or <c>GITHUB_TOKEN</c>; the secret from
    /// <c>Reconciler:Webhook:SecretFile</c> or <c>GITHUB_WEBHOOK_SECRET</c>. A file that is set but cannot
    /// be read fails start with the key named (never the contents).
    /// </summary>
    public static DaemonSecrets From(IConfiguration configuration, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var token = ReadFile(options.GitHub.TokenFile, "Reconciler:GitHub:TokenFile") ?? configuration[TokenVariable]?.Trim();
        var secret = ReadFile(options.Webhook.SecretFile, "Reconciler:Webhook:SecretFile") ?? configuration[WebhookSecretVariable]?.Trim();
        return new DaemonSecrets(token, secret);
    }

    private static string? ReadFile(string? path, string key)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{key}: cannot read '{path}': {e.GetType().Name}.", e);
        }
    }

    public override string ToString() =>
        $"DaemonSecrets {{ GitHubToken = {(GitHubToken is null ? "unset" : "***")}, WebhookSecret = {(HasWebhookSecret ? "***" : "unset")} }}";
}
