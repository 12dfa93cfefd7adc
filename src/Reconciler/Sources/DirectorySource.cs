using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reconciler.Desired;

namespace Reconciler.Sources;

/// <summary>
/// Desired state from a checkout kept fresh by a git-sync sidecar or CI. The revision is the commit
/// the checkout is at (read from <c>.git</c>, or the SHA a git-sync symlink points at); a directory
/// without Git metadata gets a fingerprint of its desired files' names, sizes and times. Files are
/// read only when the revision changes. A git-sync symlink is resolved once per read, so a swap
/// mid-read cannot mix two revisions.
/// </summary>
public sealed class DirectorySource(string directory) : IDesiredSource
{
    private readonly Lock _gate = new();
    private DesiredSnapshot? _cached;

    public string Directory { get; } = Path.GetFullPath(directory ?? throw new ArgumentNullException(nameof(directory)));

    public string Describe() => $"directory {Directory}";

    public Task<string?> GetRevisionAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(ReadRevision(Resolve()));
    }

    public async Task<DesiredSnapshot> ReadAsync(CancellationToken ct)
    {
        var root = Resolve();
        var revision = ReadRevision(root)
            ?? throw new DesiredSourceException($"{Directory}: not a readable directory (is the git-sync volume populated?)");
        lock (_gate)
        {
            if (_cached?.Revision == revision)
            {
                return _cached;
            }
        }

        var files = new List<DesiredFile>();
        foreach (var path in DesiredFilesOf(root.Path))
        {
            var content = await File.ReadAllBytesAsync(Path.Combine(root.Path, path), ct);
            files.Add(new DesiredFile(path, content));
        }

        var snapshot = new DesiredSnapshot(revision, files);
        lock (_gate)
        {
            _cached = snapshot;
        }

        return snapshot;
    }

    private (string Path, string? LinkTarget) Resolve()
    {
        var info = new DirectoryInfo(Directory);
        var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? (Directory, null) : (target.FullName, target.FullName);
    }

    private static string? ReadRevision((string Path, string? LinkTarget) root)
    {
        if (!System.IO.Directory.Exists(root.Path))
        {
            return null;
        }

        return GitRevision.Read(root.Path, root.LinkTarget) ?? Fingerprint(root.Path);
    }

    /// <summary>Relative '/' paths of the desired files under <paramref name="root"/>, sorted.</summary>
    private static List<string> DesiredFilesOf(string root)
    {
        var paths = new List<string>();
        if (File.Exists(Path.Combine(root, DesiredPaths.Settings)))
        {
            paths.Add(DesiredPaths.Settings);
        }

        var domains = Path.Combine(root, DesiredPaths.DomainsFolder);
        if (System.IO.Directory.Exists(domains))
        {
            paths.AddRange(System.IO.Directory.EnumerateFiles(domains)
                .Select(f => DesiredPaths.DomainsFolder + "/" + Path.GetFileName(f))
                .Where(DesiredPaths.IsDesired));
        }

        paths.Sort(StringComparer.Ordinal);
        return paths;
    }

    private static string Fingerprint(string root)
    {
        var text = new StringBuilder();
        foreach (var path in DesiredFilesOf(root))
        {
            var info = new FileInfo(Path.Combine(root, path));
            text.Append(CultureInfo.InvariantCulture, $"{path}\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}\n");
        }

        return "files-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
