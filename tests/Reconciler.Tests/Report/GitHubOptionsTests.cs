using Reconciler.Report.GitHub;

namespace Reconciler.Tests.Report;

public sealed class GitHubOptionsTests
{
    [Fact]
    public void ToString_never_shows_the_token()
    {
        var options = new GitHubOptions("https://api.github.com/", "acme", "mail-config", "ghp_FAKEtoken-VALUE0123456789abcdefghij");

        var text = options.ToString();

        Assert.DoesNotContain("ghp_FAKE", text, StringComparison.Ordinal);
        Assert.Contains("acme/mail-config", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_FAKE", $"{options with { MaxRetries = 1 }}", StringComparison.Ordinal);
    }
}
