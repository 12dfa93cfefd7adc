using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Reconciler.IntegrationTests.FakeGitHub;

/// <summary>GitHub-shaped JSON (snake_case, enough fields for Octokit), errors, ETags and Link pagination.</summary>
internal static class FakeJson
{
    private const string Base = "https://github.example/acme/mail-config";
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static object User(string login) => new { login, id = Math.Abs(login.GetHashCode(StringComparison.Ordinal)), type = "User", site_admin = false };

    public static object Issue(FakeIssue i, int comments) => new
    {
        id = 10_000 + i.Number,
        node_id = $"I_{i.Number}",
        number = i.Number,
        title = i.Title,
        body = i.Body,
        state = i.State,
        locked = false,
        user = User(i.Author),
        labels = i.Labels.Select(l => new { id = Math.Abs(l.GetHashCode(StringComparison.Ordinal)), name = l, color = "d93f0b", @default = false }),
        comments,
        html_url = $"{Base}/issues/{i.Number}",
        url = $"{Base}/api/issues/{i.Number}",
        created_at = i.CreatedAt,
        updated_at = i.CreatedAt,
        closed_at = i.State == "closed" ? i.CreatedAt : (DateTimeOffset?)null,
    };

    public static object Comment(FakeComment c) => new
    {
        id = c.Id,
        body = c.Body,
        user = User(c.Author),
        html_url = $"{Base}/issues/{c.Number}#issuecomment-{c.Id}",
        url = $"{Base}/api/comments/{c.Id}",
        created_at = Epoch,
        updated_at = Epoch,
    };

    public static object Label(string name) => new { id = Math.Abs(name.GetHashCode(StringComparison.Ordinal)), name, color = "d93f0b", description = "", @default = false, url = $"{Base}/labels/{name}" };

    public static object Reference(string branch, string sha) => new
    {
        @ref = "refs/heads/" + branch,
        node_id = "REF_" + branch,
        url = $"{Base}/git/refs/heads/{branch}",
        @object = new { sha, type = "commit", url = $"{Base}/git/commits/{sha}" },
    };

    public static object Commit(FakeCommit c) => new
    {
        sha = c.Sha,
        node_id = "C_" + c.Sha,
        url = $"{Base}/git/commits/{c.Sha}",
        message = c.Message,
        tree = new { sha = c.Tree, url = $"{Base}/git/trees/{c.Tree}" },
        parents = c.Parents.Select(p => new { sha = p, url = $"{Base}/git/commits/{p}" }),
        author = new { name = "reconciler", email = "reconciler@example.invalid", date = Epoch },
        committer = new { name = "reconciler", email = "reconciler@example.invalid", date = Epoch },
    };

    public static object Tree(string sha, IReadOnlyDictionary<string, string> files) => new
    {
        sha,
        url = $"{Base}/git/trees/{sha}",
        truncated = false,
        tree = files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new
        {
            path = f.Key,
            mode = "100644",
            type = "blob",
            sha = FakeGitHubState.BlobSha(f.Value),
            size = Encoding.UTF8.GetByteCount(f.Value),
        }),
    };

    public static object Content(string path, string content) => new
    {
        type = "file",
        encoding = "base64",
        size = Encoding.UTF8.GetByteCount(content),
        name = path[(path.LastIndexOf('/') + 1)..],
        path,
        content = Base64Wrapped(content),
        sha = FakeGitHubState.BlobSha(content),
        url = $"{Base}/contents/{path}",
        html_url = $"{Base}/blob/{path}",
        git_url = $"{Base}/git/blobs/{FakeGitHubState.BlobSha(content)}",
        download_url = $"{Base}/raw/{path}",
    };

    public static object Pull(FakePull p, FakeGitHubState s) => new
    {
        id = 20_000 + p.Number,
        node_id = $"PR_{p.Number}",
        number = p.Number,
        state = p.State,
        title = p.Title,
        body = p.Body,
        user = User(p.Author),
        html_url = $"{Base}/pull/{p.Number}",
        url = $"{Base}/api/pulls/{p.Number}",
        head = new { label = $"{FakeGitHubServer.Owner}:{p.Head}", @ref = p.Head, sha = s.Branches.GetValueOrDefault(p.Head, "") },
        @base = new { label = $"{FakeGitHubServer.Owner}:{p.Base}", @ref = p.Base, sha = s.Branches.GetValueOrDefault(p.Base, "") },
        merged = p.Merged,
        draft = false,
        created_at = Epoch,
        updated_at = Epoch,
    };

    public static object Status(FakeStatus st, string login) => new
    {
        id = st.Id,
        state = st.State,
        context = st.Context,
        description = st.Description,
        target_url = (string?)null,
        creator = User(login),
        created_at = st.CreatedAt,
        updated_at = st.CreatedAt,
    };

    /// <summary>200 with a strong ETag over the body; 304 when the client already has it.</summary>
    public static async Task Ok(HttpContext http, object value, int status = 200)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"";
        http.Response.Headers.ETag = etag;
        if (status == 200 && http.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            http.Response.StatusCode = 304;
            return;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.Body.WriteAsync(bytes);
    }

    /// <summary>One page of <paramref name="items"/> (per_page default 30, max 100) with GitHub's Link header.</summary>
    public static Task Page<T>(HttpContext http, IReadOnlyList<T> items, Func<T, object> shape)
    {
        var q = http.Request.Query;
        var perPage = Math.Clamp(int.TryParse(q["per_page"], CultureInfo.InvariantCulture, out var pp) ? pp : 30, 1, 100);
        var page = Math.Max(1, int.TryParse(q["page"], CultureInfo.InvariantCulture, out var pg) ? pg : 1);
        var last = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var links = new List<string>();
        if (page < last)
        {
            links.Add($"<{PageUrl(http, page + 1, perPage)}>; rel=\"next\"");
            links.Add($"<{PageUrl(http, last, perPage)}>; rel=\"last\"");
        }

        if (page > 1)
        {
            links.Add($"<{PageUrl(http, 1, perPage)}>; rel=\"first\"");
            links.Add($"<{PageUrl(http, page - 1, perPage)}>; rel=\"prev\"");
        }

        if (links.Count > 0)
        {
            http.Response.Headers.Link = string.Join(", ", links);
        }

        return Ok(http, items.Skip((page - 1) * perPage).Take(perPage).Select(shape).ToList());
    }

    public static async Task Error(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { message, documentation_url = "https://docs.github.com/rest" }));
    }

    public static async Task Validation(HttpContext http, string resource, string field, string code, string message)
    {
        http.Response.StatusCode = 422;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            message = "Validation Failed",
            errors = new[] { new { resource, field, code, message } },
            documentation_url = "https://docs.github.com/rest",
        }));
    }

    public static async Task<JsonElement> Body(HttpContext http)
    {
        using var doc = await JsonDocument.ParseAsync(http.Request.Body);
        return doc.RootElement.Clone();
    }

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string PageUrl(HttpContext http, int page, int perPage)
    {
        var query = http.Request.Query
            .Where(kv => kv.Key is not ("page" or "per_page"))
            .Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value.ToString())}")
            .Append($"per_page={perPage}").Append($"page={page}");
        return $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}?{string.Join("&", query)}";
    }

    private static string Base64Wrapped(string content)
    {
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        return string.Join("\n", Enumerable.Range(0, (b64.Length + 59) / 60).Select(i => b64.Substring(i * 60, Math.Min(60, b64.Length - (i * 60))))) + "\n";
    }
}
