namespace Reconciler.IntegrationTests.GitHub;

/// <summary>Splits Markdown into prose and the contents of fenced code blocks, the way CommonMark fences work.</summary>
internal static class MarkdownShape
{
    public static (string Prose, string Code) Split(string markdown)
    {
        var prose = new List<string>();
        var code = new List<string>();
        var fence = 0;
        foreach (var line in markdown.Split('\n'))
        {
            var run = line.TakeWhile(c => c == '`').Count();
            if (fence == 0 && run >= 3)
            {
                fence = run;
            }
            else if (fence > 0 && run >= fence && line.Trim('`').Trim().Length == 0)
            {
                fence = 0;
            }
            else
            {
                (fence > 0 ? code : prose).Add(line);
            }
        }

        return (string.Join('\n', prose), string.Join('\n', code));
    }
}
