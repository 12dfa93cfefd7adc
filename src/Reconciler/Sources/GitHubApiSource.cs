using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Reconciler.Desired;

namespace Reconciler.Sources;

/// <summary>Where <see cref="GitHubApiSource"/> reads: <c>{Api}/repos/{Owner}/{Name}</c> at <c>Branch</c>.</summary>
public sealed record GitHubApiLocation(Uri Api, string Owner, string Name, string Branch);

/// <summary>
/// Desired state through the GitHub REST API with a plain <see cref="HttpClient"/>. The branch head is
/// polled with <c>If-None-Match</c> (a 304 costs no rate limit); the tree and the blobs are fetched
/// only when the head moves, and a blob only when its SHA is new. Only <c>reconciler.yaml</c> and
/// <c>domains/*.y*ml</c> are read. The token goes in the Authorization header and nowhere else.
/// </summary>
public sealed class GitHubApiSource : IDesiredSource
{
    private readonly HttpClient _http;
    private readonly GitHubApiLocation _location;
    private readonly string? _token;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private string? _etag;
    private string? _head;
    private DesiredSnapshot? _cached;
    private int _requests;

    public GitHubApiSource(HttpClient http, GitHubApiLocation location, string? token)
    {
        ArgumentNullException.ThrowIfNull(location);
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _location = location with { Api = location.Api.AbsoluteUri.EndsWith('/') ? location.Api : new Uri(location.Api.AbsoluteUri + "/") };
        _token = string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary><c>X-RateLimit-Remaining</c> of the last answer, when GitHub sent it.</summary>
    public int? RateLimitRemaining { get; private set; }

    /// <summary>Requests sent (tests and metrics).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public string Describe() => $"GitHub {_location.Owner}/{_location.Name}@{_location.Branch} via {_location.Api.Host}";

    public async Task<string?> GetRevisionAsync(CancellationToken ct)
    {
        string? etag;
        lock (_gate)
        {
            etag = _etag;
        }

        using var request = Request($"commits/{Uri.EscapeDataString(_location.Branch)}", "application/vnd.github.sha");
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        using var response = await SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            lock (_gate)
            {
                return _head;
            }
        }

        await EnsureSuccessAsync(response, $"branch {_location.Branch}", ct);
        var sha = (await response.Content.ReadAsStringAsync(ct)).Trim();
        if (sha.Length is not (40 or 64) || !sha.All(Uri.IsHexDigit))
        {
            throw new DesiredSourceException($"{Describe()}: the branch head is not a commit SHA");
        }

        lock (_gate)
        {
            _etag = response.Headers.ETag?.ToString();
            _head = sha.ToLowerInvariant();
            return _head;
        }
    }

    public async Task<DesiredSnapshot> ReadAsync(CancellationToken ct)
    {
        var head = await GetRevisionAsync(ct) ?? throw new DesiredSourceException($"{Describe()}: no branch head");
        lock (_gate)
        {
            if (_cached?.Revision == head)
            {
                return _cached;
            }
        }

        var entries = await ReadTreeAsync(head, ct);
        var files = new List<DesiredFile>(entries.Count);
        foreach (var (path, blobSha) in entries)
        {
            files.Add(new DesiredFile(path, await ReadBlobAsync(blobSha, path, ct)));
        }

        var snapshot = new DesiredSnapshot(head, files);
        lock (_gate)
        {
            _cached = snapshot;
            var live = entries.Select(e => e.BlobSha).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in _blobs.Keys.Where(k => !live.Contains(k)).ToList())
            {
                _blobs.Remove(stale);
            }
        }

        return snapshot;
    }

    private async Task<List<(string Path, string BlobSha)>> ReadTreeAsync(string commit, CancellationToken ct)
    {
        using var request = Request($"git/trees/{commit}?recursive=1", "application/vnd.github+json");
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, $"tree of {commit}", ct);
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = doc.RootElement;
        if (root.TryGetProperty("truncated", out var truncated) && truncated.ValueKind == JsonValueKind.True)
        {
            throw new DesiredSourceException($"{Describe()}: the tree of {commit} is too large for one API answer (truncated); use a directory source");
        }

        var entries = new List<(string, string)>();
        foreach (var entry in root.GetProperty("tree").EnumerateArray())
        {
            var path = entry.GetProperty("path").GetString();
            var type = entry.GetProperty("type").GetString();
            var sha = entry.GetProperty("sha").GetString();
            if (type == "blob" && path is not null && sha is not null && DesiredPaths.IsDesired(path))
            {
                entries.Add((path, sha));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return entries;
    }

    private async Task<byte[]> ReadBlobAsync(string sha, string path, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_blobs.TryGetValue(sha, out var known))
            {
                return known;
            }
        }

        using var request = Request($"git/blobs/{sha}", "application/vnd.github+json");
        using var response = await SendAsync(request, ct);
        await EnsureSuccessAsync(response, path, ct);
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = doc.RootElement;
        var encoding = root.TryGetProperty("encoding", out var e) ? e.GetString() : "base64";
        var content = root.GetProperty("content").GetString() ?? "";
        byte[] bytes;
        try
        {
            bytes = encoding == "base64"
                ? Convert.FromBase64String(content.Replace("\n", "", StringComparison.Ordinal))
                : System.Text.Encoding.UTF8.GetBytes(content);
        }
        catch (FormatException)
        {
            throw new DesiredSourceException($"{Describe()}: {path}: blob {sha} is not valid base64");
        }

        lock (_gate)
        {
            _blobs[sha] = bytes;
        }

        return bytes;
    }

    private HttpRequestMessage Request(string relative, string accept)
    {
        var uri = new Uri(_location.Api, $"repos/{Uri.EscapeDataString(_location.Owner)}/{Uri.EscapeDataString(_location.Name)}/{relative}");
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd(accept);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("reconciler", "1.0"));
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new DesiredSourceException($"{Describe()}: {request.RequestUri?.AbsolutePath}: {e.Message}", e);
        }

        Interlocked.Increment(ref _requests);
        if (response.Headers.TryGetValues("X-RateLimit-Remaining", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining))
        {
            RateLimitRemaining = remaining;
        }

        return response;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        var hint = body.Length > 200 ? body[..200] : body;
        throw new DesiredSourceException(
            $"{Describe()}: reading {what} answered {(int)response.StatusCode} {response.ReasonPhrase}: {hint.ReplaceLineEndings(" ")}");
    }
}
