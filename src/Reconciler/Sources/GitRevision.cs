using System.Text.RegularExpressions;

namespace Reconciler.Sources;

/// <summary>
/// Reads the commit a checkout is at from its <c>.git</c> without spawning git: HEAD (a SHA, or a ref
/// looked up as a loose ref, then in <c>packed-refs</c>), following <c>gitdir:</c> files and
/// <c>commondir</c> (worktrees, as git-sync makes them). Without Git metadata, a git-sync style symlink
/// whose target is named by a SHA still tells the revision.
/// </summary>
public static class GitRevision
{
    private static readonly Regex Sha = new("^(?:[0-9a-f]{40}|[0-9a-f]{64})$", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly Regex ShaInName = new("(?:^|[^0-9a-f])([0-9a-f]{40}|[0-9a-f]{64})$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>The commit SHA of the checkout at <paramref name="directory"/> (already symlink-resolved), or null.</summary>
    public static string? Read(string directory, string? linkTarget = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var gitDir = FindGitDir(directory);
        if (gitDir is not null && ReadHead(gitDir) is { } sha)
        {
            return sha;
        }

        if (linkTarget is not null)
        {
            var match = ShaInName.Match(Path.GetFileName(Path.TrimEndingDirectorySeparator(linkTarget)));
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }

        return null;
    }

    private static string? FindGitDir(string directory)
    {
        var dotGit = Path.Combine(directory, ".git");
        if (Directory.Exists(dotGit))
        {
            return dotGit;
        }

        if (!File.Exists(dotGit))
        {
            return null;
        }

        var line = File.ReadAllText(dotGit).Trim();
        const string prefix = "gitdir:";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var target = line[prefix.Length..].Trim();
        return Path.GetFullPath(target, directory);
    }

    private static string? ReadHead(string gitDir)
    {
        var headFile = Path.Combine(gitDir, "HEAD");
        if (!File.Exists(headFile))
        {
            return null;
        }

        var head = File.ReadAllText(headFile).Trim();
        if (Sha.IsMatch(head))
        {
            return head;
        }

        const string prefix = "ref:";
        if (!head.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var refName = head[prefix.Length..].Trim();
        var commonDir = CommonDir(gitDir);
        return ReadLooseRef(gitDir, refName)
            ?? ReadLooseRef(commonDir, refName)
            ?? ReadPackedRef(commonDir, refName);
    }

    private static string CommonDir(string gitDir)
    {
        var file = Path.Combine(gitDir, "commondir");
        return File.Exists(file) ? Path.GetFullPath(File.ReadAllText(file).Trim(), gitDir) : gitDir;
    }

    private static string? ReadLooseRef(string gitDir, string refName)
    {
        if (refName.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var file = Path.Combine(gitDir, refName.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(file))
        {
            return null;
        }

        var value = File.ReadAllText(file).Trim();
        return Sha.IsMatch(value) ? value : null;
    }

    private static string? ReadPackedRef(string gitDir, string refName)
    {
        var file = Path.Combine(gitDir, "packed-refs");
        if (!File.Exists(file))
        {
            return null;
        }

        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0 || line[0] is '#' or '^')
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && line.AsSpan(space + 1).Trim().SequenceEqual(refName) && Sha.IsMatch(line[..space]))
            {
                return line[..space];
            }
        }

        return null;
    }
}
