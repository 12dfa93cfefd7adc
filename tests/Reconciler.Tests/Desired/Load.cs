using System.Text;
using Reconciler.Desired;
using Reconciler.Records;

namespace Reconciler.Tests.Desired;

/// <summary>Helpers: load in-memory repositories and find diagnostics.</summary>
internal static class Load
{
    public const string File = "domains/example.com.yaml";

    public static DesiredState Files(params (string Path, string Text)[] files) =>
        DesiredStateLoader.Load(files.Select(f => new DesiredFile(f.Path, Encoding.UTF8.GetBytes(f.Text))).ToList());

    /// <summary>One domain file for example.com; <paramref name="body"/> follows the domain line.</summary>
    public static DesiredState Domain(string body) => Files((File, "domain: example.com\n" + body));

    public static string Lines(DesiredState state) => string.Join("\n", state.Diagnostics);

    public static Diagnostic Single(DesiredState state, Severity severity, string fragment)
    {
        var matches = state.Diagnostics.Where(d => d.Severity == severity && d.Message.Contains(fragment, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one {severity} containing '{fragment}', got:\n{Lines(state)}");
        return matches[0];
    }

    public static void At(DesiredState state, string expected, string fragment)
    {
        var line = state.Diagnostics.Select(d => d.ToString()).FirstOrDefault(l => l.StartsWith(expected + ":", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal));
        Assert.True(line is not null, $"expected '{expected}: ... {fragment}', got:\n{Lines(state)}");
    }

    public static void NoErrors(DesiredState state) =>
        Assert.False(state.HasErrors, Lines(state));

    public const string GoodMx = """
        mx:
          - { preference: 10, host: mail.example.com }
        """;
}
