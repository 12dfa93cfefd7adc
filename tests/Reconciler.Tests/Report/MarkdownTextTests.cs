using Reconciler.Report.Markdown;

namespace Reconciler.Tests.Report;

public sealed class MarkdownTextTests
{
    [Fact]
    public void Mentions_are_broken()
    {
        var text = MarkdownText.Inline("ping @org/team and @user");

        Assert.DoesNotContain("@org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("@user", text, StringComparison.Ordinal);
        Assert.Contains("@\u200Dorg", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_becomes_entities()
    {
        var text = MarkdownText.Inline("<img src=x onerror=alert(1)> & <script>");

        Assert.DoesNotContain('<', text);
        Assert.DoesNotContain('>', text);
        Assert.StartsWith("&lt;img", text, StringComparison.Ordinal);
        Assert.Contains("&amp;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_cells_cannot_be_broken_by_pipes_or_line_breaks()
    {
        var text = MarkdownText.Inline("a | b\r\nc\nd\re\u2028f");

        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain('\u2028', text);
        Assert.Equal(0, text.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|'));
    }

    [Fact]
    public void Backticks_and_link_syntax_are_escaped()
    {
        var text = MarkdownText.Inline("``` [a](http://x) *b* _c_ \\");

        Assert.Equal("\\`\\`\\` \\[a\\]\\(http\\://x\\) \\*b\\* \\_c\\_ \\\\", text);
    }

    [Fact]
    public void Control_and_bidi_characters_are_replaced()
    {
        var text = MarkdownText.Inline("a\u0000b\u001bc\u202Ed\u200Be");

        Assert.Equal("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe", text);
    }

    [Fact]
    public void Long_values_are_bounded_with_an_ellipsis()
    {
        var text = MarkdownText.Inline(new string('a', 1000));

        Assert.Equal(300, text.Length);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
        Assert.Equal("abc", MarkdownText.Inline("abc"));
    }

    [Fact]
    public void Bound_never_splits_a_surrogate_pair()
    {
        var text = MarkdownText.Bound("ab😀cd", 4);

        Assert.Equal("ab…", text);
    }

    [Fact]
    public void Code_block_fence_is_longer_than_any_backtick_run_inside()
    {
        var block = MarkdownText.CodeBlock("x ```` y\r\n```\r\nz");

        Assert.StartsWith("`````\n", block, StringComparison.Ordinal);
        Assert.EndsWith("\n`````", block, StringComparison.Ordinal);
        Assert.Contains("x ```` y\n```\nz", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_block_keeps_text_verbatim_but_drops_control_characters()
    {
        var block = MarkdownText.CodeBlock("v=STSv1; id=1\t@org <b>\u0007");

        Assert.Equal("```\nv=STSv1; id=1\t@org <b>\uFFFD\n```", block);
    }

    [Fact]
    public void Code_block_info_string_cannot_inject()
    {
        Assert.StartsWith("```txt\n", MarkdownText.CodeBlock("x", "txt` <b>"), StringComparison.Ordinal);
    }

    [Fact]
    public void Null_and_empty_are_empty() => Assert.Equal("", MarkdownText.Inline(null));
}
