using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>
/// A tiny Kestrel fake of the GitHub contents API: branch head (with ETag / 304), recursive trees
/// and base64 blobs, counting every request by kind.
/// </summary>
public sealed class FakeGitHubContents : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<string, List<(string Path, string Sha)>> _trees = new();
    private volatile string _head = "";
    private WebApplication? _app;

    public ConcurrentDictionary<string, int> Hits { get; } = new();

    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public Uri Api { get; private set; } = null!;

    public int HitsOf(string kind) => Hits.GetValueOrDefault(kind);

    /// <summary>Makes a commit with these files (path → text) and moves the branch to it.</summary>
    public string Commit(IReadOnlyDictionary<string, string> files)
    {
        var entries = new List<(string, string)>();
        foreach (var (path, text) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes))[..40];
            _blobs[sha] = bytes;
            entries.Add((path, sha));
        }

        var commit = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', entries) + Guid.NewGuid())))[..40];
        _trees[commit] = entries;
        _head = commit;
        return commit;
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/v3/repos/{owner}/{repo}/commits/{branch}", (HttpContext context, string owner, string repo, string branch) =>
        {
            Count("head", context);
            if (owner != "acme" || repo != "mail-config" || branch != "main")
            {
                return Results.NotFound(new { message = "Not Found" });
            }

            var etag = $"\"{_head}\"";
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                Count("304", context);
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = etag;
            context.Response.Headers["X-RateLimit-Remaining"] = "4999";
            return Results.Text(_head, "application/vnd.github.sha");
        });
        _app.MapGet("/api/v3/repos/acme/mail-config/git/trees/{sha}", (HttpContext context, string sha) =>
        {
            Count("tree", context);
            if (context.Request.Query["recursive"] != "1" || !_trees.TryGetValue(sha, out var entries))
            {
                return Results.NotFound(new { message = "Not Found" });
            }

            var folders = entries.Where(e => e.Path.Contains('/')).Select(e => e.Path[..e.Path.LastIndexOf('/')]).Distinct();
            var tree = entries.Select(e => new { path = e.Path, mode = "100644", type = "blob", sha = e.Sha, size = _blobs[e.Sha].Length })
                .Concat(folders.Select(f => new { path = f, mode = "040000", type = "tree", sha = new string('0', 40), size = 0 }));
            return Results.Json(new { sha, tree, truncated = false });
        });
        _app.MapGet("/api/v3/repos/acme/mail-config/git/blobs/{sha}", (HttpContext context, string sha) =>
        {
            Count("blob", context);
            return _blobs.TryGetValue(sha, out var bytes)
                ? Results.Json(new { sha, size = bytes.Length, encoding = "base64", content = Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) })
                : Results.NotFound(new { message = "Not Found" });
        });
        await _app.StartAsync();
        Api = new Uri(_app.Urls.First() + "/api/v3/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private void Count(string kind, HttpContext context)
    {
        Hits.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (kind != "304")
        {
            Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        }
    }
}
