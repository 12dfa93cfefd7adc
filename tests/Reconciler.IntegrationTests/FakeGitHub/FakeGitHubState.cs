using System.Security.Cryptography;
using System.Text;

namespace Reconciler.IntegrationTests.FakeGitHub;

public sealed class FakeIssue
{
    public int Number { get; init; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string State { get; set; } = "open";
    public List<string> Labels { get; } = [];
    public string Author { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class FakePull
{
    public int Number { get; init; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string State { get; set; } = "open";
    public string Head { get; init; } = "";
    public string Base { get; set; } = "";
    public bool Merged { get; set; }
    public string Author { get; init; } = "";
}

public sealed record FakeComment(long Id, int Number, string Body, string Author);

public sealed record FakeCommit(string Sha, string Tree, IReadOnlyList<string> Parents, string Message);

public sealed record FakeStatus(long Id, string State, string Context, string? Description, DateTimeOffset CreatedAt);

public sealed record FakeRequest(string Method, string Path, int Status);

/// <summary>The repository the fake serves; every member is guarded by <see cref="Gate"/>.</summary>
public sealed class FakeGitHubState
{
    private int _nextNumber = 1;
    private long _nextId = 1000;

    public Lock Gate { get; } = new();
    public string Login { get; set; } = "reconciler-bot";
    public string Token { get; set; } = "test-token";
    public List<FakeIssue> Issues { get; } = [];
    public List<FakePull> Pulls { get; } = [];
    public List<FakeComment> Comments { get; } = [];
    public HashSet<string> Labels { get; } = [];
    public Dictionary<string, FakeCommit> Commits { get; } = [];
    public Dictionary<string, IReadOnlyDictionary<string, string>> Trees { get; } = [];
    public Dictionary<string, string> Branches { get; } = [];
    public Dictionary<string, List<FakeStatus>> Statuses { get; } = [];

    public int NextNumber() => _nextNumber++;

    public long NextId() => _nextId++;

    public static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    public static string BlobSha(string content) => Sha($"blob {Encoding.UTF8.GetByteCount(content)}\0{content}");

    public string AddTree(IReadOnlyDictionary<string, string> files)
    {
        var sha = Sha("tree\n" + string.Join("\n", files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "\0" + BlobSha(f.Value))));
        Trees[sha] = new Dictionary<string, string>(files, StringComparer.Ordinal);
        return sha;
    }

    public FakeCommit AddCommit(string tree, IReadOnlyList<string> parents, string message)
    {
        var sha = Sha($"commit {tree} {string.Join(',', parents)} {message} {NextId()}");
        var commit = new FakeCommit(sha, tree, parents, message);
        Commits[sha] = commit;
        return commit;
    }

    /// <summary>The commit a branch name or sha points at.</summary>
    public FakeCommit? Resolve(string gitRef) =>
        Branches.TryGetValue(gitRef, out var sha) ? Commits.GetValueOrDefault(sha) : Commits.GetValueOrDefault(gitRef);

    public bool IsAncestor(string ancestor, string sha)
    {
        var todo = new Stack<string>([sha]);
        var seen = new HashSet<string>();
        while (todo.TryPop(out var s))
        {
            if (s == ancestor)
            {
                return true;
            }

            if (seen.Add(s) && Commits.TryGetValue(s, out var c))
            {
                foreach (var p in c.Parents)
                {
                    todo.Push(p);
                }
            }
        }

        return false;
    }
}
