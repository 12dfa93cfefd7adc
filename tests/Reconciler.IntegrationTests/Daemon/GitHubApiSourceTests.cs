using System.Text;
using Reconciler.Sources;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class GitHubApiSourceTests(FakeGitHubContents github) : IClassFixture<FakeGitHubContents>, IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private GitHubApiSource NewSource(string branch = "main") =>
        new(_http, new GitHubApiLocation(github.Api, "acme", "mail-config", branch), "test-token-123");

    [Fact]
    public async Task Reads_only_desired_files_then_polls_the_head_with_an_etag()
    {
        var commit = github.Commit(new Dictionary<string, string>
        {
            ["reconciler.yaml"] = "defaults: {}\n",
            ["domains/example.com.yaml"] = "domain: example.com\n",
            ["domains/example.org.yml"] = "domain: example.org\n",
            ["domains/nested/deep.yaml"] = "domain: deep.example\n",
            ["README.md"] = "# config\n",
        });
        var source = NewSource();

        var snapshot = await source.ReadAsync(CancellationToken.None);

        Assert.Equal(commit, snapshot.Revision);
        Assert.Equal(["domains/example.com.yaml", "domains/example.org.yml", "reconciler.yaml"], snapshot.Files.Select(f => f.Path).ToArray());
        Assert.Equal("domain: example.com\n", Encoding.UTF8.GetString(snapshot.Files[0].Content));
        Assert.Equal(4999, source.RateLimitRemaining);
        Assert.All(github.Authorizations, a => Assert.Equal("Bearer test-token-123", a));

        var trees = github.HitsOf("tree");
        var blobs = github.HitsOf("blob");
        var notModified = github.HitsOf("304");
        var again = await source.ReadAsync(CancellationToken.None);

        Assert.Same(snapshot, again);
        Assert.Equal(commit, await source.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(notModified + 2, github.HitsOf("304"));
        Assert.Equal(trees, github.HitsOf("tree"));
        Assert.Equal(blobs, github.HitsOf("blob"));
    }

    [Fact]
    public async Task A_new_head_fetches_the_tree_and_only_the_changed_blobs()
    {
        var files = new Dictionary<string, string>
        {
            ["domains/a.example.yaml"] = "domain: a.example\n",
            ["domains/b.example.yaml"] = "domain: b.example\n",
        };
        github.Commit(files);
        var source = NewSource();
        await source.ReadAsync(CancellationToken.None);
        var trees = github.HitsOf("tree");
        var blobs = github.HitsOf("blob");

        files["domains/b.example.yaml"] = "domain: b.example\nspf: \"v=spf1 -all\"\n";
        var second = github.Commit(files);
        var snapshot = await source.ReadAsync(CancellationToken.None);

        Assert.Equal(second, snapshot.Revision);
        Assert.Equal(trees + 1, github.HitsOf("tree"));
        Assert.Equal(blobs + 1, github.HitsOf("blob"));
        Assert.Contains("v=spf1 -all", Encoding.UTF8.GetString(snapshot.Files.Single(f => f.Path == "domains/b.example.yaml").Content), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_branch_fails_with_a_clear_message_and_no_token()
    {
        github.Commit(new Dictionary<string, string> { ["reconciler.yaml"] = "{}\n" });
        var source = NewSource("no-such-branch");

        var error = await Assert.ThrowsAsync<DesiredSourceException>(() => source.ReadAsync(CancellationToken.None));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-branch", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("test-token-123", error.Message, StringComparison.Ordinal);
    }
}
