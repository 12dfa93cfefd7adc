using Reconciler.IntegrationTests.Fixtures;

namespace Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// A real git repository in a temp directory: the config checkout <c>reconcile</c> runs on. Each
/// <see cref="Commit"/> writes files (path → text, <c>null</c> deletes) and records the commit with git.
/// </summary>
public sealed class ConfigCheckout : IDisposable
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public ConfigCheckout(string branch)
    {
        Branch = branch;
        GitCli.Run(Directory, "init", "-q", "-b", branch);
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("reconciler-reconcile-checkout-").FullName;

    public string Branch { get; }

    /// <summary>The HEAD commit as git itself reports it.</summary>
    public string Sha { get; private set; } = "";

    public IReadOnlyDictionary<string, string> Files => _files;

    public string Commit(IReadOnlyDictionary<string, string?> changes, string message = "config")
    {
        foreach (var (path, text) in changes)
        {
            var full = Path.Combine(Directory, path);
            if (text is null)
            {
                File.Delete(full);
                _files.Remove(path);
                continue;
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            _files[path] = text;
        }

        Sha = GitCli.CommitAll(Directory, message);
        return Sha;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
