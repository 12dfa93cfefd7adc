using Reconciler.Desired;

namespace Reconciler.Tests.Desired;

public sealed class DirectoryTests : IDisposable
{
    private readonly DirectoryInfo repo = Directory.CreateTempSubdirectory("desired-dir-");

    public void Dispose() => repo.Delete(recursive: true);

    [Fact]
    public void A_missing_domains_folder_is_an_error_not_an_empty_fleet()
    {
        var state = DesiredStateLoader.Load(repo.FullName);
        Assert.True(state.HasErrors);
        Assert.Contains("there is no domains/ folder", Assert.Single(state.Diagnostics).Message, StringComparison.Ordinal);
        Assert.True(DesiredStateLoader.Load(Path.Combine(repo.FullName, "missing")).HasErrors);
    }

    [Fact]
    public void Yaml_and_yml_files_are_read_with_repository_relative_paths()
    {
        Directory.CreateDirectory(Path.Combine(repo.FullName, "domains", "nested"));
        File.WriteAllText(Path.Combine(repo.FullName, "reconciler.yaml"), "render:\n  policies: \"p/{domain}.txt\"\n");
        File.WriteAllText(Path.Combine(repo.FullName, "domains", "a.example.yaml"), "domain: a.example\n");
        File.WriteAllText(Path.Combine(repo.FullName, "domains", "b.example.yml"), "domain: b.example\nbad: 1\n");
        File.WriteAllText(Path.Combine(repo.FullName, "domains", "notes.txt"), "ignored");
        File.WriteAllText(Path.Combine(repo.FullName, "domains", "nested", "c.example.yaml"), "ignored: [");

        var state = DesiredStateLoader.Load(repo.FullName);
        Assert.Equal("a.example", Assert.Single(state.Domains).Domain);
        Assert.Equal(new InvalidDomain("b.example", "domains/b.example.yml"), Assert.Single(state.Invalid));
        Assert.Equal("domains/b.example.yml:2:1: error: unknown key 'bad' in a domain file; allowed: domain, mx, mta_sts, tls_rpt, spf, dmarc, dkim, dane",
            Assert.Single(state.Diagnostics).ToString());
        Assert.Equal("p/{domain}.txt", state.Render.Policies);
    }
}
