using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reconciler.Host.Daemon;

/// <summary>
/// <c>POST /webhook/github</c>: a push to the tracked branch asks for a cycle; nothing else does.
/// The body is only a trigger, never desired state. Order of checks: size (413), signature (401),
/// event, redelivery, branch.
/// </summary>
public sealed class GitHubWebhook(
    DaemonSecrets secrets,
    CycleQueue queue,
    DaemonMetrics metrics,
    IOptions<ReconcilerOptions> options,
    ILogger<GitHubWebhook> logger)
{
    private const string SignaturePrefix = "sha256=";
    private readonly RecentSet _deliveries = new(4096);
    private readonly RecentSet _commits = new(1024);

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var max = options.Value.Webhook.MaxBodyBytes;
        var body = await ReadBodyAsync(request, max, ct);
        if (body is null)
        {
            metrics.CountWebhook("too-large");
            return Results.Json(new { status = "rejected", reason = $"body larger than {max} bytes" }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (!secrets.HasWebhookSecret || !SignatureMatches(request.Headers["X-Hub-Signature-256"].ToString(), body))
        {
            metrics.CountWebhook("unauthorized");
            logger.LogWarning("Webhook delivery {Delivery} rejected: {Reason}",
                Bounded(request.Headers["X-GitHub-Delivery"].ToString()),
                secrets.HasWebhookSecret ? "signature missing or wrong" : "no webhook secret configured");
            return Results.Json(new { status = "unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var delivery = request.Headers["X-GitHub-Delivery"].ToString();
        var eventName = request.Headers["X-GitHub-Event"].ToString();
        if (eventName == "ping")
        {
            metrics.CountWebhook("ping");
            return Ignored("ping");
        }

        if (eventName != "push")
        {
            metrics.CountWebhook("ignored");
            return Ignored("only push events trigger a cycle");
        }

        if (delivery.Length > 0 && !_deliveries.Add(delivery))
        {
            metrics.CountWebhook("duplicate");
            return Results.Json(new { status = "duplicate", reason = "delivery already handled" });
        }

        var push = ParsePush(body);
        if (push is null)
        {
            metrics.CountWebhook("ignored");
            return Results.Json(new { status = "ignored", reason = "not a push payload" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var tracked = "refs/heads/" + options.Value.Desired.Branch;
        if (push.Ref.StartsWith("refs/heads/reconciler/", StringComparison.Ordinal) || push.Ref != tracked || push.Deleted)
        {
            metrics.CountWebhook("ignored");
            return Ignored($"not a push to {tracked}");
        }

        if (push.After.Length > 0 && !_commits.Add(push.After))
        {
            metrics.CountWebhook("duplicate");
            return Results.Json(new { status = "duplicate", reason = "commit already handled" });
        }

        var queued = queue.Request(CycleReason.Webhook);
        metrics.CountWebhook("triggered");
        logger.LogInformation("Webhook delivery {Delivery}: push of {Commit} to {Ref}; cycle {Queued}",
            Bounded(delivery), Bounded(push.After), Bounded(push.Ref), queued ? "queued" : "already queued");
        return Results.Json(new { status = "triggered", queued }, statusCode: StatusCodes.Status202Accepted);
    }

    private bool SignatureMatches(string header, byte[] body)
    {
        if (!header.StartsWith(SignaturePrefix, StringComparison.Ordinal) || header.Length != SignaturePrefix.Length + 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(SignaturePrefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(secrets.WebhookSecret, body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The body, or null when it is larger than <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static PushEvent? ParsePush(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ref", out var r) || r.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var after = root.TryGetProperty("after", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
            var deleted = root.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
            return new PushEvent(r.GetString()!, after, deleted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Ignored(string reason) => Results.Json(new { status = "ignored", reason });

    private static string Bounded(string value) => value.Length <= 100 ? value : value[..100];

    private sealed record PushEvent(string Ref, string After, bool Deleted);
}
