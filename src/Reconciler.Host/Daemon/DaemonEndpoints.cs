using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Reconciler.Host.Daemon;

/// <summary>The daemon's HTTP surface: probes, metrics and the GitHub webhook.</summary>
public static class DaemonEndpoints
{
    public static IEndpointRouteBuilder MapDaemonEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        app.MapGet("/readyz", (DaemonState state, IOptions<ReconcilerOptions> options) =>
        {
            var readiness = state.Evaluate(options.Value.Interval);
            var body = new
            {
                status = readiness.Ready ? "ready" : "not-ready",
                reason = readiness.Reason,
                revision = readiness.Revision,
                lastSuccess = readiness.LastSuccess,
                leader = readiness.IsLeader,
            };
            return Results.Json(body, statusCode: readiness.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapPost("/webhook/github", (HttpRequest request, GitHubWebhook webhook, CancellationToken ct) => webhook.HandleAsync(request, ct));
        var metrics = app.ServiceProvider.GetRequiredService<DaemonMetrics>();
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }
}
