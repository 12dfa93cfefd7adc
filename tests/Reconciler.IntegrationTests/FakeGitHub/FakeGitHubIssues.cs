using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.IntegrationTests.FakeGitHub;

public sealed partial class FakeGitHubServer
{
    private void MapIssues(RouteGroupBuilder repo)
    {
        var s = State;
        repo.MapGet("/issues", (HttpContext http) =>
        {
            var q = http.Request.Query;
            var state = q["state"].ToString() is { Length: > 0 } st ? st : "open";
            var labels = q["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            var creator = q["creator"].ToString();
            List<(FakeIssue Issue, int Comments)> list;
            lock (s.Gate)
            {
                list = s.Issues
                    .Where(i => state == "all" || i.State == state)
                    .Where(i => labels.All(l => i.Labels.Contains(l)))
                    .Where(i => creator.Length == 0 || i.Author == creator)
                    .OrderByDescending(i => i.Number)
                    .Select(i => (i, s.Comments.Count(c => c.Number == i.Number)))
                    .ToList();
            }

            return FakeJson.Page(http, list, x => FakeJson.Issue(x.Issue, x.Comments));
        });
        repo.MapGet("/issues/{number:int}", (HttpContext http, int number) =>
        {
            lock (s.Gate)
            {
                var issue = s.Issues.FirstOrDefault(i => i.Number == number);
                return issue is null ? FakeJson.Error(http, 404, "Not Found") : FakeJson.Ok(http, FakeJson.Issue(issue, 0));
            }
        });
        repo.MapPost("/issues", async (HttpContext http) =>
        {
            var body = await FakeJson.Body(http);
            var title = FakeJson.Str(body, "title");
            if (string.IsNullOrEmpty(title))
            {
                await FakeJson.Validation(http, "Issue", "title", "missing_field", "title is required");
                return;
            }

            FakeIssue issue;
            lock (s.Gate)
            {
                issue = new FakeIssue
                {
                    Number = s.NextNumber(),
                    Title = title,
                    Body = FakeJson.Str(body, "body") ?? "",
                    Author = s.Login,
                    CreatedAt = DateTimeOffset.UtcNow,
                };
                if (body.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array)
                {
                    foreach (var l in labels.EnumerateArray().Select(l => l.GetString()!))
                    {
                        issue.Labels.Add(l);
                        s.Labels.Add(l);
                    }
                }

                s.Issues.Add(issue);
            }

            await FakeJson.Ok(http, FakeJson.Issue(issue, 0), 201);
        });
        repo.MapMethods("/issues/{number:int}", ["PATCH"], async (HttpContext http, int number) =>
        {
            var body = await FakeJson.Body(http);
            FakeIssue? issue;
            lock (s.Gate)
            {
                issue = s.Issues.FirstOrDefault(i => i.Number == number);
                if (issue is not null)
                {
                    issue.Title = FakeJson.Str(body, "title") ?? issue.Title;
                    issue.Body = FakeJson.Str(body, "body") ?? issue.Body;
                    issue.State = FakeJson.Str(body, "state") ?? issue.State;
                    if (body.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array)
                    {
                        issue.Labels.Clear();
                        issue.Labels.AddRange(labels.EnumerateArray().Select(l => l.GetString()!));
                    }
                }
            }

            await (issue is null ? FakeJson.Error(http, 404, "Not Found") : FakeJson.Ok(http, FakeJson.Issue(issue, 0)));
        });
        repo.MapGet("/issues/{number:int}/comments", (HttpContext http, int number) =>
        {
            List<FakeComment> list;
            lock (s.Gate)
            {
                list = s.Comments.Where(c => c.Number == number).OrderBy(c => c.Id).ToList();
            }

            return FakeJson.Page(http, list, FakeJson.Comment);
        });
        repo.MapPost("/issues/{number:int}/comments", async (HttpContext http, int number) =>
        {
            var body = await FakeJson.Body(http);
            FakeComment? comment = null;
            lock (s.Gate)
            {
                if (s.Issues.Any(i => i.Number == number) || s.Pulls.Any(p => p.Number == number))
                {
                    comment = new FakeComment(s.NextId(), number, FakeJson.Str(body, "body") ?? "", s.Login);
                    s.Comments.Add(comment);
                }
            }

            await (comment is null ? FakeJson.Error(http, 404, "Not Found") : FakeJson.Ok(http, FakeJson.Comment(comment), 201));
        });
        repo.MapGet("/labels/{name}", (HttpContext http, string name) =>
        {
            lock (s.Gate)
            {
                return s.Labels.Contains(name) ? FakeJson.Ok(http, FakeJson.Label(name)) : FakeJson.Error(http, 404, "Not Found");
            }
        });
        repo.MapPost("/labels", async (HttpContext http) =>
        {
            var name = FakeJson.Str(await FakeJson.Body(http), "name") ?? "";
            bool added;
            lock (s.Gate)
            {
                added = s.Labels.Add(name);
            }

            await (added ? FakeJson.Ok(http, FakeJson.Label(name), 201) : FakeJson.Validation(http, "Label", "name", "already_exists", ""));
        });
    }
}
