using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>
/// A small fake of the Kubernetes Lease API over HTTP: GET, POST and PUT on
/// <c>/apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}]</c> with resourceVersion
/// conflicts (409), and 403 for namespaces marked forbidden (missing RBAC).
/// </summary>
public sealed class FakeLeaseApi : IAsyncLifetime
{
    private const string Prefix = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Ns, string Name), JsonObject> _leases = [];
    private WebApplication? _app;

    public ConcurrentDictionary<string, bool> Forbidden { get; } = new();

    public Uri Address { get; private set; } = null!;

    public string? HolderOf(string ns, string name)
    {
        lock (_gate)
        {
            return _leases.TryGetValue((ns, name), out var lease) ? lease["spec"]?["holderIdentity"]?.GetValue<string>() : null;
        }
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet(Prefix + "/{name}", (string ns, string name) =>
        {
            if (Forbidden.ContainsKey(ns))
            {
                return Status(403, "Forbidden", $"leases.coordination.k8s.io \"{name}\" is forbidden");
            }

            lock (_gate)
            {
                return _leases.TryGetValue((ns, name), out var lease)
                    ? Results.Text(lease.ToJsonString(), "application/json")
                    : Status(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found");
            }
        });
        _app.MapPost(Prefix, async (string ns, HttpRequest request) =>
        {
            if (Forbidden.ContainsKey(ns))
            {
                return Status(403, "Forbidden", "forbidden");
            }

            var lease = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            var name = lease["metadata"]!["name"]!.GetValue<string>();
            lock (_gate)
            {
                if (_leases.ContainsKey((ns, name)))
                {
                    return Status(409, "AlreadyExists", $"leases.coordination.k8s.io \"{name}\" already exists");
                }

                Stamp(lease, ns, 1);
                _leases[(ns, name)] = lease;
                return Results.Text(lease.ToJsonString(), "application/json", statusCode: 201);
            }
        });
        _app.MapPut(Prefix + "/{name}", async (string ns, string name, HttpRequest request) =>
        {
            if (Forbidden.ContainsKey(ns))
            {
                return Status(403, "Forbidden", "forbidden");
            }

            var lease = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            lock (_gate)
            {
                if (!_leases.TryGetValue((ns, name), out var current))
                {
                    return Status(404, "NotFound", "not found");
                }

                var currentVersion = current["metadata"]!["resourceVersion"]!.GetValue<string>();
                var givenVersion = lease["metadata"]?["resourceVersion"]?.GetValue<string>();
                if (givenVersion != currentVersion)
                {
                    return Status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again");
                }

                Stamp(lease, ns, int.Parse(currentVersion, CultureInfo.InvariantCulture) + 1);
                _leases[(ns, name)] = lease;
                return Results.Text(lease.ToJsonString(), "application/json");
            }
        });
        await _app.StartAsync();
        Address = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static void Stamp(JsonObject lease, string ns, int version)
    {
        lease["apiVersion"] = "coordination.k8s.io/v1";
        lease["kind"] = "Lease";
        var metadata = lease["metadata"]!.AsObject();
        metadata["namespace"] = ns;
        metadata["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
    }

    private static IResult Status(int code, string reason, string message) => Results.Json(
        new { kind = "Status", apiVersion = "v1", status = "Failure", message, reason, code },
        statusCode: code);
}
