using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reconciler.IntegrationTests.FakeGitHub;

public enum FaultKind
{
    ServerError,
    /// <summary>403 "API rate limit exceeded" with X-RateLimit-Remaining 0 and a reset <see cref="Fault.Seconds"/> ahead.</summary>
    PrimaryRateLimit,
    /// <summary>403 secondary rate limit with Retry-After.</summary>
    SecondaryRateLimit,
    /// <summary>429 with Retry-After.</summary>
    TooManyRequests,
    Validation,
    BadToken,
    /// <summary>403 "Resource not accessible by integration": a token without the rights for this call.</summary>
    Forbidden,
}

/// <summary>The next <see cref="Count"/> calls whose method matches and whose path contains <see cref="PathContains"/> fail.</summary>
public sealed class Fault(string method, string pathContains, int count, FaultKind kind, int seconds = 1)
{
    public string Method { get; } = method;
    public string PathContains { get; } = pathContains;
    public int Count { get; set; } = count;
    public FaultKind Kind { get; } = kind;
    public int Seconds { get; } = seconds;
}

/// <summary>
/// A stateful fake of the GitHub REST API (the parts the reconciler uses) on 127.0.0.1 with a free
/// port, served under <c>/api/v3/</c> like GitHub Enterprise, which is where Octokit sends requests
/// for a non-github.com base address. Repository: <see cref="Owner"/>/<see cref="Repo"/>.
/// </summary>
public sealed partial class FakeGitHubServer : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "mail-config";

    private readonly WebApplication _app;
    private readonly List<Fault> _faults = [];
    private readonly List<FakeRequest> _requests = [];
    private int _writes;
    private int _remaining = 5000;

    private FakeGitHubServer(WebApplication app, FakeGitHubState state)
    {
        _app = app;
        State = state;
    }

    public FakeGitHubState State { get; }

    /// <summary>The address to give Octokit (it appends <c>api/v3/</c>).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every non-GET request received, faulted or not.</summary>
    public int WriteCount => Volatile.Read(ref _writes);

    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public static async Task<FakeGitHubServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeGitHubServer(app, new FakeGitHubState());
        app.Use(server.Middleware);
        var api = app.MapGroup("/api/v3");
        api.MapGet("/user", (HttpContext http) => FakeJson.Ok(http, FakeJson.User(server.State.Login)));
        var repo = api.MapGroup("/repos/{owner}/{repo}");
        server.MapIssues(repo);
        server.MapGit(repo);
        server.MapPulls(repo);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/";
        return server;
    }

    public void InjectFault(string method, string pathContains, int count, FaultKind kind, int seconds = 1)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(method, pathContains, count, kind, seconds));
        }
    }

    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    public int CountRequests(string method, string pathContains) =>
        Requests.Count(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Middleware(HttpContext http, RequestDelegate next)
    {
        var method = http.Request.Method;
        var path = http.Request.Path.Value ?? "";
        if (method != HttpMethods.Get)
        {
            Interlocked.Increment(ref _writes);
        }

        var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        http.Response.Headers["X-RateLimit-Limit"] = "5000";
        http.Response.Headers["X-RateLimit-Remaining"] = Math.Max(0, Interlocked.Decrement(ref _remaining)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-RateLimit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var fault = TakeFault(method, path);
            if (fault is not null)
            {
                await WriteFault(http, fault);
                return;
            }

            var auth = http.Request.Headers.Authorization.ToString();
            var space = auth.IndexOf(' ', StringComparison.Ordinal);
            var scheme = space > 0 ? auth[..space] : "";
            if (!(scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
                || auth[(space + 1)..] != State.Token)
            {
                await FakeJson.Error(http, 401, "Bad credentials");
                return;
            }

            if (path.StartsWith("/api/v3/repos/", StringComparison.Ordinal)
                && !path.StartsWith($"/api/v3/repos/{Owner}/{Repo}/", StringComparison.Ordinal))
            {
                await FakeJson.Error(http, 404, "Not Found");
                return;
            }

            await next(http);
        }
        finally
        {
            lock (_requests)
            {
                _requests.Add(new FakeRequest(method, path + http.Request.QueryString, http.Response.StatusCode));
            }
        }
    }

    private Fault? TakeFault(string method, string path)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Count > 0 && f.Method == method && path.Contains(f.PathContains, StringComparison.Ordinal));
            if (fault is not null)
            {
                fault.Count--;
            }

            return fault;
        }
    }

    private static Task WriteFault(HttpContext http, Fault fault)
    {
        var seconds = fault.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (fault.Kind)
        {
            case FaultKind.PrimaryRateLimit:
                http.Response.Headers["X-RateLimit-Remaining"] = "0";
                http.Response.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddSeconds(fault.Seconds).ToUnixTimeSeconds()
                    .ToString(System.Globalization.CultureInfo.InvariantCulture);
                return FakeJson.Error(http, 403, "API rate limit exceeded for user ID 1.");
            case FaultKind.SecondaryRateLimit:
                http.Response.Headers.RetryAfter = seconds;
                return FakeJson.Error(http, 403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.");
            case FaultKind.TooManyRequests:
                http.Response.Headers.RetryAfter = seconds;
                return FakeJson.Error(http, 429, "Too many requests");
            case FaultKind.Validation:
                return FakeJson.Validation(http, "Issue", "title", "invalid", "injected validation failure");
            case FaultKind.BadToken:
                return FakeJson.Error(http, 401, "Bad credentials");
            case FaultKind.Forbidden:
                return FakeJson.Error(http, 403, "Resource not accessible by integration");
            default:
                return FakeJson.Error(http, 502, "Server Error");
        }
    }
}
