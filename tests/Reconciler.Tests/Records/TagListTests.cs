using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class TagListTests
{
    private const string Rule = "RFC 6376 §3.2";

    [Fact]
    public void Parses_tags_in_order_with_lower_cased_names_and_trimmed_values()
    {
        var r = TagList.Parse(" V = DKIM1 ;\tK=rsa;  p = abc def ", Rule);
        Assert.True(r.Ok);
        Assert.Equal(
            [new("v", "DKIM1"), new("k", "rsa"), new("p", "abc def")],
            r.Value!);
        Assert.Empty(r.Problems);
    }

    [Theory]
    [InlineData("a=1;")]
    [InlineData("a=1; ")]
    [InlineData("a=1;\r\n\t")]
    public void Trailing_semicolon_is_allowed(string text)
    {
        var r = TagList.Parse(text, Rule);
        Assert.True(r.Ok);
        Assert.Empty(r.Problems);
        Assert.Single(r.Value!);
    }

    [Fact]
    public void Folding_white_space_around_tokens_is_ignored()
    {
        var r = TagList.Parse("a=1;\r\n b =\r\n 2", Rule);
        Assert.True(r.Ok);
        Assert.Equal("2", r.Value![1].Value);
    }

    [Fact]
    public void Duplicate_tag_is_an_error_and_the_first_is_kept()
    {
        var r = TagList.Parse("a=1; A=2; b=3", Rule);
        Assert.False(r.Ok);
        var p = Assert.Single(r.Problems);
        Assert.Equal(Severity.Error, p.Severity);
        Assert.Equal(Rule, p.Rule);
        Assert.Contains("'a'", p.Message, StringComparison.Ordinal);
        Assert.Equal([new("a", "1"), new("b", "3")], r.Value!);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var r = TagList.Parse("novalue; 1x=2; a=1; a=2", "X");
        Assert.Equal(3, r.Problems.Count);
        Assert.All(r.Problems, p => Assert.Equal("X", p.Rule));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("justtext")]
    [InlineData("=value")]
    [InlineData("a-b=1")]
    [InlineData("a=caf\u00e9")]
    [InlineData("a=x\u0001y")]
    public void Malformed_input_is_an_error_not_an_exception(string text)
    {
        var r = TagList.Parse(text, Rule);
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error);
    }

    [Fact]
    public void Empty_value_is_allowed()
    {
        var r = TagList.Parse("p=", Rule);
        Assert.True(r.Ok);
        Assert.Equal("", r.Value![0].Value);
    }

    [Fact]
    public void Empty_tag_spec_in_the_middle_is_a_warning()
    {
        var r = TagList.Parse("a=1;; b=2", Rule);
        Assert.True(r.Ok);
        Assert.Equal(Severity.Warning, Assert.Single(r.Problems).Severity);
        Assert.Equal(2, r.Value!.Count);
    }

    [Fact]
    public void A_NUL_character_in_a_value_is_refused()
    {
        var r = TagList.Parse("v=DKIM1; n=a\0b; p=abc", Rule);

        Assert.Contains(r.Problems, p => p.Message.Contains("U+0000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("v=spf1 include:a\0b.example.com -all")]
    [InlineData("v=spf1 include:%{d\0}.example.com -all")]
    public void A_NUL_character_in_an_SPF_term_makes_it_invalid(string text)
    {
        var r = SpfRecord.Parse(text);

        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Message.Contains("U+0000", StringComparison.Ordinal));
    }
}
