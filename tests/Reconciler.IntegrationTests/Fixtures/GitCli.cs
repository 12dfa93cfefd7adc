using System.Diagnostics;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>Runs the real git in a test repository, ignoring the machine's global and system config.</summary>
public static class GitCli
{
    /// <summary>Runs <c>git args</c> in <paramref name="repo"/>; fails the test with git's stderr when it fails; returns stdout.</summary>
    public static string Run(string repo, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)} failed: {error.Result}");
        return output;
    }

    /// <summary>Stages everything and commits it as a test author; returns the new commit's SHA.</summary>
    public static string CommitAll(string repo, string message)
    {
        Run(repo, "add", "-A");
        Run(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", message);
        return Run(repo, "rev-parse", "HEAD").Trim();
    }
}
