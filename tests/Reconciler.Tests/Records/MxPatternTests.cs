using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class MxPatternTests
{
    [Theory]
    [InlineData("Mail.Example.COM.", "mail.example.com")]
    [InlineData("*.Mail.Protection.Outlook.com", "*.mail.protection.outlook.com")]
    [InlineData(" smtp.example.net ", "smtp.example.net")]
    public void Normalizes_valid_patterns(string input, string expected)
    {
        Assert.True(MxPattern.TryNormalize(input, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("192.0.2.1", "IP address")]
    [InlineData("[192.0.2.1]", "IP address")]
    [InlineData("2001:db8::1", "IP address")]
    [InlineData("mail.example.com:25", "port")]
    [InlineData("*mail.example.com", "'*'")]
    [InlineData("mail.*.example.com", "'*'")]
    [InlineData("*.*.example.com", "'*'")]
    [InlineData("*", "'*'")]
    [InlineData("a_b.example.com", "not a valid host name")]
    [InlineData("localhost", "not a valid host name")]
    public void Rejects_invalid_patterns(string input, string because)
    {
        Assert.False(MxPattern.TryNormalize(input, out _, out var error));
        Assert.NotNull(error);
        Assert.Contains(because, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail.example.com", "mail.example.com", true)]
    [InlineData("mail.example.com", "MAIL.Example.com.", true)]
    [InlineData("mail.example.com.", "mail.example.com", true)]
    [InlineData("mail.example.com", "mail.example.com.evil.net", false)]
    [InlineData("mail.example.com", "x.mail.example.com", false)]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "A.EXAMPLE.COM.", true)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "aexample.com", false)]
    [InlineData("*.example.com", ".example.com", false)]
    [InlineData("*.mail.protection.outlook.com", "contoso-com.mail.protection.outlook.com", true)]
    [InlineData("", "example.com", false)]
    public void Matches_follows_rfc8461_section_4_1(string pattern, string host, bool expected) =>
        Assert.Equal(expected, MxPattern.Matches(pattern, host));

    [Fact]
    public void Covers_when_any_pattern_matches()
    {
        string[] patterns = ["smtp.example.com", "*.outlook.com"];
        Assert.True(MxPattern.Covers(patterns, "x.outlook.com"));
        Assert.True(MxPattern.Covers(patterns, "SMTP.example.com"));
        Assert.False(MxPattern.Covers(patterns, "a.x.outlook.com"));
        Assert.False(MxPattern.Covers([], "smtp.example.com"));
    }
}
