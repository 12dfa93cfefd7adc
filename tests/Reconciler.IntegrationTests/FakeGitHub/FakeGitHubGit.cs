using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.IntegrationTests.FakeGitHub;

public sealed partial class FakeGitHubServer
{
    private void MapGit(RouteGroupBuilder repo)
    {
        var s = State;
        repo.MapGet("/git/refs/heads/{**branch}", (HttpContext http, string branch) =>
        {
            lock (s.Gate)
            {
                return s.Branches.TryGetValue(branch, out var sha)
                    ? FakeJson.Ok(http, FakeJson.Reference(branch, sha))
                    : FakeJson.Error(http, 404, "Not Found");
            }
        });
        repo.MapPost("/git/refs", async (HttpContext http) =>
        {
            var body = await FakeJson.Body(http);
            var full = FakeJson.Str(body, "ref") ?? "";
            var sha = FakeJson.Str(body, "sha") ?? "";
            if (!full.StartsWith("refs/heads/", StringComparison.Ordinal))
            {
                await FakeJson.Validation(http, "Reference", "ref", "invalid", "only branches are supported");
                return;
            }

            var branch = full["refs/heads/".Length..];
            int outcome;
            lock (s.Gate)
            {
                outcome = s.Branches.ContainsKey(branch) ? 1 : !s.Commits.ContainsKey(sha) ? 2 : 0;
                if (outcome == 0)
                {
                    s.Branches[branch] = sha;
                }
            }

            await (outcome switch
            {
                0 => FakeJson.Ok(http, FakeJson.Reference(branch, sha), 201),
                1 => FakeJson.Validation(http, "Reference", "ref", "already_exists", "Reference already exists"),
                _ => FakeJson.Validation(http, "Reference", "sha", "invalid", "Object does not exist"),
            });
        });
        repo.MapMethods("/git/refs/heads/{**branch}", ["PATCH"], async (HttpContext http, string branch) =>
        {
            var body = await FakeJson.Body(http);
            var sha = FakeJson.Str(body, "sha") ?? "";
            var force = body.TryGetProperty("force", out var f) && f.ValueKind == JsonValueKind.True;
            string? problem;
            lock (s.Gate)
            {
                problem = !s.Branches.TryGetValue(branch, out var current) ? "Reference does not exist"
                    : !s.Commits.ContainsKey(sha) ? "Object does not exist"
                    : !force && !s.IsAncestor(current, sha) ? "Update is not a fast forward"
                    : null;
                if (problem is null)
                {
                    s.Branches[branch] = sha;
                }
            }

            await (problem is null ? FakeJson.Ok(http, FakeJson.Reference(branch, sha)) : FakeJson.Validation(http, "Reference", "sha", "invalid", problem));
        });
        repo.MapGet("/git/commits/{sha}", (HttpContext http, string sha) =>
        {
            lock (s.Gate)
            {
                return s.Commits.TryGetValue(sha, out var c) ? FakeJson.Ok(http, FakeJson.Commit(c)) : FakeJson.Error(http, 404, "Not Found");
            }
        });
        repo.MapPost("/git/trees", async (HttpContext http) =>
        {
            var body = await FakeJson.Body(http);
            var baseTree = FakeJson.Str(body, "base_tree");
            string? sha = null;
            Dictionary<string, string>? files = null;
            lock (s.Gate)
            {
                IReadOnlyDictionary<string, string>? existing = null;
                if (baseTree is null || s.Trees.TryGetValue(baseTree, out existing))
                {
                    files = existing is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(existing, StringComparer.Ordinal);
                    foreach (var item in body.GetProperty("tree").EnumerateArray())
                    {
                        var path = FakeJson.Str(item, "path")!;
                        if (FakeJson.Str(item, "content") is { } content)
                        {
                            files[path] = content;
                        }
                        else if (FakeJson.Str(item, "sha") is { } blob && s.Trees.Values.SelectMany(t => t.Values).FirstOrDefault(v => FakeGitHubState.BlobSha(v) == blob) is { } known)
                        {
                            files[path] = known;
                        }
                        else
                        {
                            files.Remove(path);
                        }
                    }

                    sha = s.AddTree(files);
                }
            }

            await (sha is null ? FakeJson.Validation(http, "Tree", "base_tree", "invalid", "base_tree does not exist") : FakeJson.Ok(http, FakeJson.Tree(sha, files!), 201));
        });
        repo.MapPost("/git/commits", async (HttpContext http) =>
        {
            var body = await FakeJson.Body(http);
            var tree = FakeJson.Str(body, "tree") ?? "";
            var parents = body.TryGetProperty("parents", out var p) ? p.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            FakeCommit? commit = null;
            lock (s.Gate)
            {
                if (s.Trees.ContainsKey(tree) && parents.All(s.Commits.ContainsKey))
                {
                    commit = s.AddCommit(tree, parents, FakeJson.Str(body, "message") ?? "");
                }
            }

            await (commit is null ? FakeJson.Validation(http, "Commit", "tree", "invalid", "tree or parent does not exist") : FakeJson.Ok(http, FakeJson.Commit(commit), 201));
        });
        repo.MapGet("/contents/{**path}", (HttpContext http, string path) =>
        {
            var gitRef = http.Request.Query["ref"].ToString();
            path = Uri.UnescapeDataString(path);
            lock (s.Gate)
            {
                var commit = s.Resolve(gitRef.Length > 0 ? gitRef : "main");
                return commit is not null && s.Trees[commit.Tree].TryGetValue(path, out var content)
                    ? FakeJson.Ok(http, FakeJson.Content(path, content))
                    : FakeJson.Error(http, 404, "Not Found");
            }
        });
    }
}
