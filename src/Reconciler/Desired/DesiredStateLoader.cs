using Reconciler.Desired.Yaml;
using Reconciler.Records;

namespace Reconciler.Desired;

/// <summary>
/// Loads the desired state from a config repository: <c>reconciler.yaml</c> (optional) and every
/// <c>domains/*.yaml</c> / <c>*.yml</c>. Never throws for bad content: every problem becomes a
/// <see cref="Diagnostic"/>, and a domain with an error is listed in <see cref="DesiredState.Invalid"/>.
/// </summary>
public static class DesiredStateLoader
{
    public const string ConfigFile = "reconciler.yaml";
    public const string DomainsFolder = "domains";

    /// <summary>
    /// Reads the repository at <paramref name="repoDirectory"/> (files over 1 MiB are not read whole).
    /// A missing directory or <c>domains/</c> folder is an error, so an empty checkout never looks like
    /// "every domain was removed".
    /// </summary>
    public static DesiredState Load(string repoDirectory) => Load(repoDirectory, null);

    /// <summary>
    /// As <see cref="Load(string)"/>, handing each domain that will be in <see cref="DesiredState.Domains"/>
    /// to <paramref name="onDomain"/> as soon as its file is read, so a caller can start observing it while
    /// the rest of the fleet is still being read. With a callback the files are read one after another
    /// on the calling thread, in path order (the caller's work has the other cores); without, on every core.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while reading.</exception>
    public static DesiredState Load(string repoDirectory, Action<DomainSpec>? onDomain, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(repoDirectory);
        if (!Directory.Exists(Path.Combine(repoDirectory, DomainsFolder)))
        {
            var message = Directory.Exists(repoDirectory)
                ? $"there is no {DomainsFolder}/ folder in '{repoDirectory}'; declare each domain in {DomainsFolder}/<domain>.yaml"
                : $"the repository directory '{repoDirectory}' does not exist";
            return new DesiredState([], [], [new Diagnostic(Severity.Error, DomainsFolder + "/", 0, 0, message)], new RenderSettings(null));
        }

        var config = Path.Combine(repoDirectory, ConfigFile);
        var configFile = File.Exists(config) ? new DesiredFile(ConfigFile, ReadBounded(config)) : null;

        // Each domain file is read when its turn comes (not all before the first is parsed), and a
        // file that cannot be read is that domain's error, not the end of the load.
        var domainFiles = Directory.EnumerateFiles(Path.Combine(repoDirectory, DomainsFolder)).Where(IsDomainFile).Order(StringComparer.Ordinal)
            .Select(path => new DomainFileSource($"{DomainsFolder}/{Path.GetFileName(path)}", () => ReadBounded(path)))
            .ToList();
        return Load(configFile, domainFiles, onDomain, ct);
    }

    /// <summary>
    /// The domains declared in the repository at <paramref name="repoDirectory"/>, from the names of its
    /// domain files alone (normalised; valid or not, as <see cref="DesiredState.Domains"/> and
    /// <see cref="DesiredState.Invalid"/> together will list them). Empty without a <c>domains/</c> folder.
    /// </summary>
    public static IReadOnlySet<string> DeclaredDomains(string repoDirectory)
    {
        ArgumentNullException.ThrowIfNull(repoDirectory);
        var folder = Path.Combine(repoDirectory, DomainsFolder);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(IsDomainFile).Select(FileDomain).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Loads from files already in memory (e.g. fetched through the GitHub API); other paths are ignored.</summary>
    public static DesiredState Load(IReadOnlyList<DesiredFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var domainFiles = files.Where(f => f.Path.StartsWith(DomainsFolder + "/", StringComparison.Ordinal)
                     && f.Path.IndexOf('/', DomainsFolder.Length + 1) < 0 && IsDomainFile(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => new DomainFileSource(f.Path, () => f.Content))
            .ToList();
        return Load(files.FirstOrDefault(f => f.Path == ConfigFile), domainFiles, null, CancellationToken.None);
    }

    /// <summary>The load itself: <paramref name="domainFiles"/> in path order, each read when its turn comes.</summary>
    private static DesiredState Load(DesiredFile? configFile, List<DomainFileSource> domainFiles, Action<DomainSpec>? onDomain, CancellationToken ct)
    {
        var bag = new DiagnosticBag();
        var settings = ConfigReader.Read(configFile, bag);
        var configBroken = bag.Items.Any(d => d.Severity >= Severity.Error);
        var configDiagnostics = bag.Items.ToHashSet();

        // A domain declared by two files (x.yaml and x.yml, or a U-label and its A-label) is known from
        // the names alone, so a valid file can be handed over before the others are read.
        var fileDomains = domainFiles.Select(f => FileDomain(f.Path)).ToList();
        var declaredTwice = fileDomains.GroupBy(d => d, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

        // Each file is read on its own; the results are merged in path order. Handing domains over while
        // reading, the caller has work for the other cores: then one file after another on this thread.
        var read = new (DomainSpec? Valid, DiagnosticBag Own)[domainFiles.Count];
        Parallel.For(0, domainFiles.Count, new ParallelOptions { MaxDegreeOfParallelism = onDomain is null ? -1 : 1, CancellationToken = ct }, i =>
        {
            var source = domainFiles[i];
            var own = new DiagnosticBag();
            DomainSpec? spec;
            try
            {
                spec = ReadDomain(new DesiredFile(source.Path, source.Read()), fileDomains[i], settings.Defaults, own);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // An unreadable file (permissions, removed meanwhile), or defence in depth: a reader bug
                // must not stop the other domains.
                own.Error(source.Path, 0, 0, $"the file could not be read: {e.Message}");
                spec = null;
            }

            var valid = spec is not null && !configBroken && !declaredTwice.Contains(fileDomains[i]) && !own.Items.Any(d => d.Severity >= Severity.Error);
            read[i] = (valid ? spec : null, own);
            if (valid)
            {
                onDomain?.Invoke(spec!);
            }
        });

        for (var i = 0; i < domainFiles.Count; i++)
        {
            var path = domainFiles[i].Path;
            foreach (var d in read[i].Own.Items)
            {
                if (d.File == path)
                {
                    bag.Add(d);
                }
                else if (!configDiagnostics.Contains(d))
                {
                    bag.Add(d with { Message = $"{d.Message} (default applied to {fileDomains[i]})" });
                }
            }

            if (declaredTwice.Contains(fileDomains[i]))
            {
                var paths = domainFiles.Where((_, j) => fileDomains[j] == fileDomains[i]).Select(f => f.Path);
                bag.Error(path, 0, 0, $"domain {fileDomains[i]} is declared in more than one file ({string.Join(", ", paths)}); keep exactly one");
            }
        }

        var diagnostics = bag.Items.Distinct()
            .OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column).ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();
        return new DesiredState(
            [.. read.Where(r => r.Valid is not null).Select(r => r.Valid!)],
            [.. Enumerable.Range(0, read.Length).Where(i => read[i].Valid is null).Select(i => new InvalidDomain(fileDomains[i], domainFiles[i].Path))],
            diagnostics,
            settings.Render);
    }

    private static DomainSpec? ReadDomain(DesiredFile file, string fileDomain, YamlMapping? defaults, DiagnosticBag bag)
    {
        if (YamlTreeReader.Read(file.Path, file.Content, bag) is not { } root)
        {
            return null;
        }

        if (root is not YamlMapping map)
        {
            bag.Error(root, $"a domain file must be a map (domain:, mx:, mta_sts:, ...), not {YamlValues.Describe(root)}");
            return null;
        }

        return new DomainReader(bag, partial: false).Read(DefaultsMerger.Merge(map, defaults), file.Path, fileDomain);
    }

    /// <summary>A domain file's repository path and how to read its bytes.</summary>
    private sealed record DomainFileSource(string Path, Func<byte[]> Read);

    private static string FileDomain(string path) => DnsName.Normalize(Path.GetFileNameWithoutExtension(path));

    private static bool IsDomainFile(string path) =>
        path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal);

    private static byte[] ReadBounded(string path)
    {
        // Read whole, straight into the result: no stream and no stream buffer per file.
        using var handle = File.OpenHandle(path);
        var buffer = new byte[(int)Math.Min(RandomAccess.GetLength(handle), YamlTreeReader.MaxBytes + 1)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
            if (n == 0)
            {
                // The file shrank while being read: what is there is the file.
                return buffer[..read];
            }

            read += n;
        }

        return buffer;
    }
}
