using System.Text;
using Reconciler.IntegrationTests.Fixtures;
using Reconciler.Sources;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary><see cref="DirectorySource"/> against real repositories made with git in a temp dir.</summary>
public sealed class DirectorySourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("reconciler-dirsource-").FullName;

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task The_revision_is_the_commit_and_changes_with_each_commit()
    {
        var repo = NewRepo("repo");
        Write(repo, "reconciler.yaml", "defaults: {}\n");
        Write(repo, "domains/example.com.yaml", "domain: example.com\n");
        Write(repo, "domains/notes.txt", "not desired state\n");
        Write(repo, "README.md", "# config\n");
        var first = Commit(repo, "first");
        var source = new DirectorySource(repo);

        Assert.Equal(first, await source.GetRevisionAsync(CancellationToken.None));
        var snapshot = await source.ReadAsync(CancellationToken.None);
        Assert.Equal(first, snapshot.Revision);
        Assert.Equal(["domains/example.com.yaml", "reconciler.yaml"], snapshot.Files.Select(f => f.Path).ToArray());
        Assert.Equal("domain: example.com\n", Encoding.UTF8.GetString(snapshot.Files[0].Content));

        Write(repo, "domains/example.org.yml", "domain: example.org\n");
        var second = Commit(repo, "second");

        Assert.NotEqual(first, second);
        Assert.Equal(second, await source.GetRevisionAsync(CancellationToken.None));
        var next = await source.ReadAsync(CancellationToken.None);
        Assert.Equal(second, next.Revision);
        Assert.Contains(next.Files, f => f.Path == "domains/example.org.yml");
    }

    [Fact]
    public async Task Files_are_read_only_when_the_revision_changes()
    {
        var repo = NewRepo("cache");
        Write(repo, "domains/example.com.yaml", "domain: example.com\n");
        Commit(repo, "first");
        var source = new DirectorySource(repo);
        var snapshot = await source.ReadAsync(CancellationToken.None);

        Write(repo, "domains/example.com.yaml", "domain: changed-but-not-committed.example\n");
        var again = await source.ReadAsync(CancellationToken.None);

        Assert.Same(snapshot, again);
        Commit(repo, "now committed");
        var fresh = await source.ReadAsync(CancellationToken.None);
        Assert.NotSame(snapshot, fresh);
        Assert.Contains("changed-but-not-committed", Encoding.UTF8.GetString(fresh.Files[0].Content), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Packed_refs_and_a_detached_head_are_read()
    {
        var repo = NewRepo("packed");
        Write(repo, "domains/example.com.yaml", "domain: example.com\n");
        var sha = Commit(repo, "first");
        GitCli.Run(repo, "pack-refs", "--all");
        Assert.False(File.Exists(Path.Combine(repo, ".git", "refs", "heads", "main")));

        Assert.Equal(sha, await new DirectorySource(repo).GetRevisionAsync(CancellationToken.None));

        Write(repo, "domains/example.org.yaml", "domain: example.org\n");
        var second = Commit(repo, "second");
        GitCli.Run(repo, "checkout", "--detach", sha);
        Assert.Equal(sha, await new DirectorySource(repo).GetRevisionAsync(CancellationToken.None));
        Assert.NotEqual(sha, second);
    }

    [Fact]
    public async Task A_git_sync_style_worktree_behind_a_symlink_is_followed()
    {
        var repo = NewRepo("upstream");
        Write(repo, "domains/example.com.yaml", "domain: example.com\n");
        var first = Commit(repo, "first");
        var worktrees = Path.Combine(_root, "git", ".worktrees");
        Directory.CreateDirectory(worktrees);
        var firstTree = Path.Combine(worktrees, first);
        GitCli.Run(repo, "worktree", "add", "--detach", firstTree, first);
        var link = Path.Combine(_root, "git", "repo");
        File.CreateSymbolicLink(link, firstTree);
        var source = new DirectorySource(link);

        Assert.Equal(first, await source.GetRevisionAsync(CancellationToken.None));
        Assert.Single((await source.ReadAsync(CancellationToken.None)).Files);

        Write(repo, "domains/example.org.yaml", "domain: example.org\n");
        var second = Commit(repo, "second");
        var secondTree = Path.Combine(worktrees, second);
        GitCli.Run(repo, "worktree", "add", "--detach", secondTree, second);
        File.Delete(link);
        File.CreateSymbolicLink(link, secondTree);

        Assert.Equal(second, await source.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(2, (await source.ReadAsync(CancellationToken.None)).Files.Count);
    }

    [Fact]
    public async Task A_directory_without_git_gets_a_fingerprint_that_follows_its_files()
    {
        var dir = Path.Combine(_root, "plain");
        Write(dir, "domains/example.com.yaml", "domain: example.com\n");
        var source = new DirectorySource(dir);
        var first = await source.GetRevisionAsync(CancellationToken.None);

        Write(dir, "domains/example.org.yaml", "domain: example.org\n");
        var second = await source.GetRevisionAsync(CancellationToken.None);

        Assert.StartsWith("files-", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_missing_directory_has_no_revision_and_cannot_be_read()
    {
        var source = new DirectorySource(Path.Combine(_root, "absent"));

        Assert.Null(await source.GetRevisionAsync(CancellationToken.None));
        await Assert.ThrowsAsync<DesiredSourceException>(() => source.ReadAsync(CancellationToken.None));
    }

    private string NewRepo(string name)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        GitCli.Run(dir, "init", "-q", "-b", "main");
        return dir;
    }

    private static void Write(string repo, string path, string text)
    {
        var full = Path.Combine(repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private static string Commit(string repo, string message)
    {
        return GitCli.CommitAll(repo, message);
    }
}
