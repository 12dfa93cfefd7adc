using System.Collections.Concurrent;
using Reconciler.Desired;

namespace Reconciler.Tests.Desired;

/// <summary>The loader hands over each domain as it is read: exactly the ones the finished load lists as valid.</summary>
public sealed class StreamingLoadTests : IDisposable
{
    private readonly DirectoryInfo repo = Directory.CreateTempSubdirectory("desired-stream-");

    public void Dispose() => repo.Delete(recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(repo.FullName, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void Only_the_domains_the_load_ends_with_are_handed_over_each_once()
    {
        for (var i = 0; i < 40; i++)
        {
            Write($"domains/d{i}.example.yaml", $"domain: d{i}.example\nspf: \"v=spf1 -all\"\n");
        }

        Write("domains/bad.example.yaml", "domain: bad.example\nunknown: 1\n");
        Write("domains/twice.example.yaml", "domain: twice.example\n");
        Write("domains/twice.example.yml", "domain: twice.example\n");
        Write("domains/wrong-name.example.yaml", "domain: other.example\n");

        var handed = new ConcurrentBag<DomainSpec>();
        var state = DesiredStateLoader.Load(repo.FullName, handed.Add);

        Assert.Equal(40, state.Domains.Count);
        Assert.Equal(state.Domains.Select(d => d.Domain).Order(StringComparer.Ordinal), handed.Select(d => d.Domain).Order(StringComparer.Ordinal));
        // The very objects of the result, so a caller can key its work on them.
        Assert.All(handed, h => Assert.Contains(state.Domains, d => ReferenceEquals(d, h)));
        Assert.Equal(["bad.example", "twice.example", "twice.example", "wrong-name.example"], state.Invalid.Select(i => i.Domain).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_broken_reconciler_yaml_hands_over_nothing()
    {
        Write("reconciler.yaml", "defaults:\n  nonsense: 1\n");
        Write("domains/a.example.yaml", "domain: a.example\n");

        var handed = new ConcurrentBag<DomainSpec>();
        var state = DesiredStateLoader.Load(repo.FullName, handed.Add);

        Assert.Empty(state.Domains);
        Assert.Empty(handed);
        Assert.True(state.HasErrors);
    }

    [Fact]
    public void Declared_domains_come_from_the_file_names_valid_or_not()
    {
        Assert.Empty(DesiredStateLoader.DeclaredDomains(repo.FullName));
        Write("domains/A.Example.yaml", "domain: a.example\n");
        Write("domains/b.example.yml", "not: valid\n");
        Write("domains/bücher.example.yaml", "domain: xn--bcher-kva.example\n");
        Write("domains/notes.txt", "ignored");
        Write("domains/nested/c.example.yaml", "domain: c.example\n");

        var declared = DesiredStateLoader.DeclaredDomains(repo.FullName);
        var state = DesiredStateLoader.Load(repo.FullName);

        Assert.Equal(["a.example", "b.example", "xn--bcher-kva.example"], declared.Order(StringComparer.Ordinal));
        Assert.Equal(declared.Order(StringComparer.Ordinal), state.Domains.Select(d => d.Domain).Concat(state.Invalid.Select(i => i.Domain)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_unreadable_domain_file_is_that_domains_error_and_the_others_load()
    {
        Write("domains/a.example.yaml", "domain: a.example\n");
        File.CreateSymbolicLink(Path.Combine(repo.FullName, "domains", "gone.example.yaml"), Path.Combine(repo.FullName, "nowhere.yaml"));

        var handed = new ConcurrentBag<DomainSpec>();
        var state = DesiredStateLoader.Load(repo.FullName, handed.Add);

        Assert.Equal("a.example", Assert.Single(state.Domains).Domain);
        Assert.Equal("a.example", Assert.Single(handed).Domain);
        Assert.Equal(new InvalidDomain("gone.example", "domains/gone.example.yaml"), Assert.Single(state.Invalid));
        var error = Assert.Single(state.Diagnostics);
        Assert.Equal("domains/gone.example.yaml", error.File);
        Assert.StartsWith("the file could not be read: ", error.Message, StringComparison.Ordinal);
    }
}
