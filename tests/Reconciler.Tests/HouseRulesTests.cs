using Reconciler.Tests.Plan;

namespace Reconciler.Tests;

/// <summary>Rules of the codebase that a reviewer would otherwise have to remember.</summary>
public sealed class HouseRulesTests
{
    private static readonly string[] WallClock = ["DateTime.Now", "DateTime.UtcNow", "DateTimeOffset.Now", "DateTimeOffset.UtcNow"];

    // Roslyn-free: these attributes only work through source generators.
    private static readonly string[] Generated = ["[GeneratedRegex", "[LoggerMessage", "[JsonSerializable", "[OptionsValidator"];

    [Fact]
    public void No_source_file_reads_the_wall_clock_time_comes_from_a_TimeProvider()
    {
        Assert.Empty(Offenders(SourceFiles(), WallClock));
    }

    [Fact]
    public void No_source_file_relies_on_a_source_generator()
    {
        Assert.Empty(Offenders(SourceFiles(), Generated));
    }

    [Fact]
    public void No_build_file_references_a_compiler_package()
    {
        var root = GoldenCaseTests.RepoRoot();
        var buildFiles = Directory.GetFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(root, "*.props", SearchOption.TopDirectoryOnly))
            .Concat(Directory.GetFiles(root, "*.targets", SearchOption.TopDirectoryOnly))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.Empty(Offenders(buildFiles, ["Microsoft.CodeAnalysis", "IsRoslynComponent", "SourceGenerator"]));
    }

    private static IEnumerable<string> SourceFiles()
    {
        var src = Path.Combine(GoldenCaseTests.RepoRoot(), "src");
        Assert.True(Directory.Exists(src), $"{src} not found");
        return Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    private static List<string> Offenders(IEnumerable<string> files, string[] needles) =>
        files.SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, line, i)))
            .Where(x => needles.Any(n => x.line.Contains(n, StringComparison.Ordinal)))
            .Select(x => $"{x.f}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
}
