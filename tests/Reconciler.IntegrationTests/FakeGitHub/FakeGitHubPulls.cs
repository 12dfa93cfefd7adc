using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reconciler.IntegrationTests.FakeGitHub;

public sealed partial class FakeGitHubServer
{
    private void MapPulls(RouteGroupBuilder repo)
    {
        var s = State;
        repo.MapGet("/pulls", (HttpContext http) =>
        {
            var state = http.Request.Query["state"].ToString() is { Length: > 0 } st ? st : "open";
            var head = http.Request.Query["head"].ToString();
            List<FakePull> list;
            lock (s.Gate)
            {
                list = s.Pulls
                    .Where(p => state == "all" || p.State == state)
                    .Where(p => head.Length == 0 || $"{Owner}:{p.Head}" == head)
                    .OrderByDescending(p => p.Number)
                    .ToList();
            }

            return FakeJson.Page(http, list, p => { lock (s.Gate) { return FakeJson.Pull(p, s); } });
        });
        repo.MapPost("/pulls", async (HttpContext http) =>
        {
            var body = await FakeJson.Body(http);
            var head = FakeJson.Str(body, "head") ?? "";
            head = head.Contains(':', StringComparison.Ordinal) ? head[(head.IndexOf(':', StringComparison.Ordinal) + 1)..] : head;
            var baseBranch = FakeJson.Str(body, "base") ?? "";
            FakePull? pull = null;
            string? problem;
            lock (s.Gate)
            {
                problem = !s.Branches.ContainsKey(head) ? $"head {head} does not exist"
                    : !s.Branches.ContainsKey(baseBranch) ? $"base {baseBranch} does not exist"
                    : s.Pulls.Any(p => p.State == "open" && p.Head == head) ? $"A pull request already exists for {Owner}:{head}."
                    : null;
                if (problem is null)
                {
                    pull = new FakePull
                    {
                        Number = s.NextNumber(),
                        Title = FakeJson.Str(body, "title") ?? "",
                        Body = FakeJson.Str(body, "body") ?? "",
                        Head = head,
                        Base = baseBranch,
                        Author = s.Login,
                    };
                    s.Pulls.Add(pull);
                }
            }

            if (pull is null)
            {
                await FakeJson.Validation(http, "PullRequest", "head", "custom", problem!);
                return;
            }

            object shaped;
            lock (s.Gate)
            {
                shaped = FakeJson.Pull(pull, s);
            }

            await FakeJson.Ok(http, shaped, 201);
        });
        repo.MapMethods("/pulls/{number:int}", ["PATCH"], async (HttpContext http, int number) =>
        {
            var body = await FakeJson.Body(http);
            object? shaped = null;
            lock (s.Gate)
            {
                if (s.Pulls.FirstOrDefault(p => p.Number == number) is { } pull)
                {
                    pull.Title = FakeJson.Str(body, "title") ?? pull.Title;
                    pull.Body = FakeJson.Str(body, "body") ?? pull.Body;
                    pull.State = FakeJson.Str(body, "state") ?? pull.State;
                    shaped = FakeJson.Pull(pull, s);
                }
            }

            await (shaped is null ? FakeJson.Error(http, 404, "Not Found") : FakeJson.Ok(http, shaped));
        });
        repo.MapGet("/commits/{gitRef}/statuses", (HttpContext http, string gitRef) =>
        {
            List<FakeStatus> list;
            lock (s.Gate)
            {
                var sha = s.Resolve(gitRef)?.Sha ?? gitRef;
                list = s.Statuses.TryGetValue(sha, out var l) ? l.AsEnumerable().Reverse().ToList() : [];
            }

            return FakeJson.Page(http, list, st => FakeJson.Status(st, s.Login));
        });
        repo.MapPost("/statuses/{sha}", async (HttpContext http, string sha) =>
        {
            var body = await FakeJson.Body(http);
            var state = FakeJson.Str(body, "state") ?? "";
            if (state is not ("success" or "failure" or "error" or "pending"))
            {
                await FakeJson.Validation(http, "Status", "state", "invalid", $"state '{state}' is not valid");
                return;
            }

            FakeStatus status;
            lock (s.Gate)
            {
                status = new FakeStatus(s.NextId(), state, FakeJson.Str(body, "context") ?? "default", FakeJson.Str(body, "description"), DateTimeOffset.UtcNow);
                if (!s.Statuses.TryGetValue(sha, out var list))
                {
                    s.Statuses[sha] = list = [];
                }

                list.Add(status);
            }

            await FakeJson.Ok(http, FakeJson.Status(status, s.Login), 201);
        });
    }
}
