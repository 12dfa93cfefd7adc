using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.GitHub;

namespace Reconciler.IntegrationTests.Faults;

/// <summary>
/// Keeps <c>docs/faults.md</c> honest: every row names tests that exist (reflection over this assembly;
/// for <c>Reconciler.Tests</c>, its source, so the check needs no second build), and one run with every
/// fault at once shows 0 false drift, 0 duplicate issue or PR, 0 secret leaked, 0 crash.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class FaultMatrixTests(FaultWorld world)
{
    private static readonly Regex TestReference = new(@"`(?<class>[A-Z]\w*)\.(?<method>[A-Z]\w*)`", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly string[] RequiredFaults =
    [
        "DNS timeout", "SERVFAIL", "REFUSED", "truncated", "lame", "disagreeing", "CNAME loop", "64 KiB of TXT",
        "connection refused", "reset mid-body", "trickling", "3xx", "404", "500", "content type", "over 64 KiB", "expired", "wrong-name",
        "untrusted", "self-signed", "TLS 1.0", "two addresses",
        "GitHub 5xx", "primary rate limit", "secondary", "429", "422", "deleted issue", "merged", "closed by hand", "without rights",
        "SIGTERM", "kill -9", "two replicas", "Lease lost",
        "malformed YAML", "duplicate keys", "alias bomb", "non-UTF-8", "10 MB", "every file invalid",
        "signature", "oversize body", "replayed", "burst of 100",
        "injection", "control characters", "very long values",
    ];

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Reconciler.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Reconciler.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<(string Fault, string Tests)> Rows()
    {
        var rows = new List<(string, string)>();
        foreach (var line in File.ReadAllLines(Path.Combine(RepoRoot(), "docs", "faults.md")))
        {
            var cells = line.Split('|');
            if (cells.Length < 5 || !line.StartsWith('|') || line.Contains("---", StringComparison.Ordinal) || cells[1].Trim() == "Area")
            {
                continue;
            }

            rows.Add(($"{cells[1].Trim()}: {cells[2].Trim()}", cells[^2]));
        }

        return rows;
    }

    private static bool IsTest(MethodInfo method) =>
        method.CustomAttributes.Any(a => a.AttributeType.Name is "FactAttribute" or "TheoryAttribute");

    private static bool ExistsInUnitTestSource(string root, string type, string method)
    {
        var files = Directory.EnumerateFiles(Path.Combine(root, "tests", "Reconciler.Tests"), "*.cs", SearchOption.AllDirectories);
        // [Fact] or [Theory], then attributes only (no other member), then the method.
        var declaration = new Regex($@"\[(?:Fact|Theory)\b(?:(?!public\s)[\s\S]){{0,4000}}public\s+(?:async\s+)?(?:Task|void)\s+{Regex.Escape(method)}\s*\(", RegexOptions.CultureInvariant);
        return files.Select(File.ReadAllText).Any(text => Regex.IsMatch(text, $@"\bclass\s+{Regex.Escape(type)}\b", RegexOptions.CultureInvariant) && declaration.IsMatch(text));
    }

    [Fact]
    public void Every_row_of_the_fault_table_names_tests_that_exist()
    {
        var root = RepoRoot();
        var types = typeof(FaultMatrixTests).Assembly.GetTypes();
        var rows = Rows();
        Assert.True(rows.Count >= RequiredFaults.Length, $"docs/faults.md has {rows.Count} rows");
        var missing = new List<string>();
        foreach (var (fault, tests) in rows)
        {
            var references = TestReference.Matches(tests);
            if (references.Count == 0)
            {
                missing.Add($"{fault}: no test named");
            }

            foreach (Match reference in references)
            {
                var type = reference.Groups["class"].Value;
                var method = reference.Groups["method"].Value;
                var found = types.Where(t => t.Name == type).SelectMany(t => t.GetMethods()).Any(m => m.Name == method && IsTest(m))
                    || ExistsInUnitTestSource(root, type, method);
                if (!found)
                {
                    missing.Add($"{fault}: {type}.{method} is not a test");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_fault_of_the_issue_has_a_row()
    {
        var faults = string.Join('\n', Rows().Select(r => r.Fault));
        Assert.Empty(RequiredFaults.Where(f => !faults.Contains(f, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Every_fault_at_once_in_one_cli_run_gives_no_false_drift_no_duplicate_no_secret_and_no_crash()
    {
        const string mtaSts = "mta_sts:\n  mode: enforce\n  max_age: 604800\n  mx: [ mx.clean.faults.test ]\n  id: \"20260101000000\"\n";
        var expected = new Dictionary<string, string>
        {
            ["drift.faults.test"] = "drift",
            ["clean.faults.test"] = "in-sync",
            ["inject.faults.test"] = "drift",
            ["selfsigned.faults.test"] = "drift",
            ["reset.faults.test"] = "unknown",
            ["trickle.faults.test"] = "unknown",
            ["loop.faults.test"] = "unknown",
            ["huge.faults.test"] = "unknown",
            ["refused.example"] = "unknown",
            ["x.servfail.test"] = "unknown",
            ["bomb.faults.test"] = "invalid",
            ["dup.faults.test"] = "invalid",
            ["latin1.faults.test"] = "invalid",
        };
        var files = new Dictionary<string, string>
        {
            ["domains/drift.faults.test.yaml"] = FaultWorld.MxYaml("drift.faults.test", "mx1.drift.faults.test"),
            ["domains/clean.faults.test.yaml"] = FaultWorld.MxYaml("clean.faults.test", "mx.clean.faults.test"),
            ["domains/inject.faults.test.yaml"] = FaultWorld.DkimYaml("inject.faults.test") + mtaSts,
            ["domains/huge.faults.test.yaml"] = "domain: huge.faults.test\nspf: \"v=spf1 -all\"\n",
            ["domains/refused.example.yaml"] = FaultWorld.MxYaml("refused.example", "mx.refused.example"),
            ["domains/x.servfail.test.yaml"] = FaultWorld.MxYaml("x.servfail.test", "mx.x.servfail.test"),
            ["domains/bomb.faults.test.yaml"] = "domain: bomb.faults.test\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            ["domains/dup.faults.test.yaml"] = "domain: dup.faults.test\nspf: \"v=spf1 -all\"\nspf: \"v=spf1 ~all\"\n",
        };
        foreach (var name in new[] { "selfsigned", "reset", "trickle", "loop" })
        {
            files[$"domains/{name}.faults.test.yaml"] = $"domain: {name}.faults.test\n" + mtaSts;
        }

        using var repo = FaultWorld.Repo(files);
        repo.WriteBytes("domains/latin1.faults.test.yaml", [.. "domain: latin1.faults.test\nspf: \"v=spf1 -all caf"u8, 0xE9, .. "\"\n"u8]);
        repo.Commit("with latin-1");
        await using var gh = await FakeGitHubServer.StartAsync();
        gh.State.Token = CliFaultTests.Token;
        var tokenFile = Path.Combine(Path.GetTempPath(), $"reconciler-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, CliFaultTests.Token);
        try
        {
            // These domains drifted before; now they cannot be observed: their issues must stay exactly as they are.
            var undecided = expected.Where(e => e.Value is "unknown" or "invalid").Select(e => e.Key).ToArray();
            var seeded = undecided.Select(d => GitHubTestKit.Drift(d)).ToArray();
            var seeding = new Report.GitHub.GitHubReporter(GitHubTestKit.Port(gh, CliFaultTests.Token));
            await seeding.ReportAsync(GitHubTestKit.Input(repo.Head, seeded), false, CancellationToken.None);
            var before = gh.Issues().ToDictionary(i => i.Number, i => (i.State, i.Body));
            Assert.Equal(undecided.Length, before.Count);

            var first = await Task.Run(() => CliFaultTests.Reconcile(world, gh, tokenFile, repo.Path));
            var second = await Task.Run(() => CliFaultTests.Reconcile(world, gh, tokenFile, repo.Path));

            foreach (var run in new[] { first, second })
            {
                Assert.Equal(1, run.Exit);
                Assert.DoesNotContain(CliFaultTests.Token, run.Out + run.Err, StringComparison.Ordinal);
                using var plan = JsonDocument.Parse(run.Out);
                var statuses = plan.RootElement.GetProperty("domains").EnumerateArray()
                    .ToDictionary(d => d.GetProperty("domain").GetString()!, d => d.GetProperty("status").GetString()!);
                Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), statuses.OrderBy(e => e.Key, StringComparer.Ordinal));
            }

            foreach (var (number, (state, body)) in before)
            {
                var now = gh.Issues().Single(i => i.Number == number);
                Assert.Equal("open", now.State);
                if (!now.Title.Contains(".faults.test", StringComparison.Ordinal) || expected[now.Title.Split(' ')[^1]] == "unknown")
                {
                    Assert.Equal(body, now.Body);
                }
            }

            foreach (var (domain, status) in expected)
            {
                Assert.True((status is "in-sync" ? 0 : 1) == GitHubTestKit.OpenIssuesFor(gh, domain),
                    $"{domain} ({status}) has {GitHubTestKit.OpenIssuesFor(gh, domain)} open issues; issues:\n{string.Join('\n', gh.Issues().Select(i => $"#{i.Number} {i.State} {i.Title}"))}\nbefore: {string.Join(',', before.Keys)}\nstderr:\n{string.Join('\n', second.Err.Split('\n').Where(l => l.StartsWith("github", StringComparison.Ordinal)))}");
            }

            Assert.DoesNotContain(gh.Issues(), i => i.State != "open");
            Assert.All(gh.Issues().GroupBy(i => i.Title, StringComparer.Ordinal), g => Assert.Single(g));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }
}
