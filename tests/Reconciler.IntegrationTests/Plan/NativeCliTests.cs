using System.Diagnostics;
using System.Text.RegularExpressions;
using Reconciler.Host;

namespace Reconciler.IntegrationTests.Plan;

/// <summary>
/// Publishes <c>src/Reconciler.Cli</c> compiled ahead of time once (about half a minute: the native
/// compiler, then gcc or clang to link) and runs the binary as users do.
/// </summary>
public sealed class NativeCliFixture : IAsyncLifetime
{
    private string directory = "";

    public string Binary => Path.Combine(directory, "reconciler");

    public async Task InitializeAsync()
    {
        directory = Directory.CreateTempSubdirectory("reconciler-native-").FullName;
        var project = Path.Combine(PlanCommandTests.RepoRoot(), "src", "Reconciler.Cli");
        var publish = await NativeCliTests.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", directory, "--nologo"], TimeSpan.FromMinutes(10));
        Assert.True(publish.Exit == 0 && File.Exists(Binary), $"dotnet publish of the native CLI failed (exit {publish.Exit}):\n{publish.Out}\n{publish.Err}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The native compiler takes both cores for about half a minute: run alone, after the other tests, so
/// their timing (queries sent at once, connections counted) is not starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeCliCollection
{
    public const string Name = "native CLI";
}

/// <summary>
/// The native CLI (<c>validate</c>, <c>plan</c>, <c>render</c>) says what the full build says: its plan of a
/// world on a real Knot and HTTPS host is the full build's, byte for byte, and the commands it leaves out
/// say where they are.
/// </summary>
[Collection(NativeCliCollection.Name)]
public sealed class NativeCliTests(PlanWorldFixture fixture, NativeCliFixture native) : IClassFixture<PlanWorldFixture>, IClassFixture<NativeCliFixture>
{
    [Fact]
    public async Task Its_plan_is_the_full_builds_plan_byte_for_byte()
    {
        string[] args = ["plan", "--format", "json", .. fixture.World.ObserveArgs()];
        var nativeRun = await RunAsync(native.Binary, args, TimeSpan.FromMinutes(2));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Task.Run(() => Program.Run(args, output, error));

        Assert.True(nativeRun.Exit == 2, $"exit {nativeRun.Exit}; stderr: {nativeRun.Err}");
        Assert.Equal(exit, nativeRun.Exit);
        PlanEndToEndTests.AssertPlan(fixture.World, System.Text.Json.Nodes.JsonNode.Parse(nativeRun.Out)!, fixture.World.Domains);
        Assert.Contains("\"proposedId\": \"", nativeRun.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutClock(output.ToString()), WithoutClock(nativeRun.Out));
    }

    [Fact]
    public async Task Validate_and_render_give_what_the_full_build_gives()
    {
        var out1 = Directory.CreateTempSubdirectory("reconciler-render-native-").FullName;
        var out2 = Directory.CreateTempSubdirectory("reconciler-render-full-").FullName;
        try
        {
            var validate = await RunAsync(native.Binary, ["validate", "--repo", fixture.World.Repo], TimeSpan.FromMinutes(1));
            var render = await RunAsync(native.Binary, ["render", "--repo", fixture.World.Repo, "--out", out1], TimeSpan.FromMinutes(1));
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(0, Program.Run(["validate", "--repo", fixture.World.Repo], output, error));
            Assert.Equal(0, Program.Run(["render", "--repo", fixture.World.Repo, "--out", out2], TextWriter.Null, TextWriter.Null));

            Assert.Equal((0, output.ToString()), (validate.Exit, validate.Out));
            Assert.True(render.Exit == 0, render.Err);
            var files = Directory.GetFiles(out1, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(out1, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Directory.GetFiles(out2, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(out2, f)).Order(StringComparer.Ordinal), files);
            Assert.NotEmpty(files);
            Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(out2, f)), File.ReadAllBytes(Path.Combine(out1, f))));
        }
        finally
        {
            Directory.Delete(out1, recursive: true);
            Directory.Delete(out2, recursive: true);
        }
    }

    [Theory]
    [InlineData("reconcile")]
    [InlineData("run")]
    public async Task A_command_of_the_full_build_only_says_where_it_is(string command)
    {
        var run = await RunAsync(native.Binary, [command, "--repo", fixture.World.Repo, "--github-repo", "o/r"], TimeSpan.FromMinutes(1));
        Assert.Equal(1, run.Exit);
        Assert.Contains($"'{command}' is not in the native CLI", run.Err, StringComparison.Ordinal);
        Assert.Contains("full build", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    /// <summary>The plan with its proposed MTA-STS ids (made from the clock) blanked out.</summary>
    private static string WithoutClock(string plan) =>
        Regex.Replace(plan, @"(?<!\d)20\d{12}(?!\d)", m => m.Value == PlanWorld.Id ? m.Value : "<now>");

    internal static async Task<(int Exit, string Out, string Err)> RunAsync(string file, string[] args, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took over {limit}");
        }

        return (process.ExitCode, await output, await error);
    }
}
