using YamlDotNet.RepresentationModel;

namespace Reconciler.Tests.Records;

/// <summary>One test of the openspf RFC 7208 suite with the SPF records of the domain it checks.</summary>
public sealed record OpenSpfCase(string Section, string Name, string Spec, IReadOnlyList<string> Results, string Domain, IReadOnlyList<string> Records);

/// <summary>Reads <c>shared/testdata/openspf/rfc7208-tests.yml</c>, found by walking up from the test assembly.</summary>
public static class OpenSpfSuite
{
    private const string Relative = "shared/testdata/openspf/rfc7208-tests.yml";

    public static string? FilePath { get; } = Locate();

    public static string SkipReason =>
        $"the openspf suite ({Relative}) was not found in or beside any parent folder of {AppContext.BaseDirectory}";

    public static IReadOnlyList<OpenSpfCase> Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(FilePath ?? throw new InvalidOperationException(SkipReason)))
        {
            stream.Load(reader);
        }

        var cases = new List<OpenSpfCase>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var section = Scalar(root, "description") ?? "";
            var zone = Zone(root);
            if (!root.Children.TryGetValue(new YamlScalarNode("tests"), out var testsNode) || testsNode is not YamlMappingNode tests)
            {
                continue;
            }

            foreach (var (key, node) in tests.Children)
            {
                var test = (YamlMappingNode)node;
                var results = test.Children[new YamlScalarNode("result")] switch
                {
                    YamlSequenceNode seq => seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToList(),
                    var scalar => [((YamlScalarNode)scalar).Value!],
                };
                var mailFrom = Scalar(test, "mailfrom") ?? "";
                var domain = (mailFrom.Contains('@', StringComparison.Ordinal) ? mailFrom[(mailFrom.LastIndexOf('@') + 1)..]
                    : mailFrom.Length > 0 ? mailFrom : Scalar(test, "helo") ?? "").ToLowerInvariant();
                cases.Add(new OpenSpfCase(section, ((YamlScalarNode)key).Value!, Scalar(test, "spec") ?? "", results, domain,
                    zone.TryGetValue(domain, out var records) ? records : []));
            }
        }

        return cases;
    }

    /// <summary>The SPF records of each domain: its TXT records that start with v=spf1, else its SPF-type ones.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Zone(YamlMappingNode root)
    {
        var zone = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (!root.Children.TryGetValue(new YamlScalarNode("zonedata"), out var zoneNode) || zoneNode is not YamlMappingNode data)
        {
            return zone;
        }

        foreach (var (name, entries) in data.Children)
        {
            var txt = new List<string>();
            var spf = new List<string>();
            foreach (var entry in (entries as YamlSequenceNode)?.Children ?? [])
            {
                if (entry is not YamlMappingNode map)
                {
                    continue;
                }

                foreach (var (type, value) in map.Children)
                {
                    var text = value switch
                    {
                        YamlScalarNode s => s.Value ?? "",
                        YamlSequenceNode seq => string.Concat(seq.Children.Select(c => ((YamlScalarNode)c).Value)),
                        _ => null,
                    };
                    var target = ((YamlScalarNode)type).Value switch { "TXT" => txt, "SPF" => spf, _ => null };
                    if (text is not null && target is not null && Reconciler.Records.SpfRecord.IsSpf(text))
                    {
                        target.Add(text);
                    }
                }
            }

            zone[((YamlScalarNode)name).Value!.ToLowerInvariant()] = txt.Count > 0 ? txt : spf;
        }

        return zone;
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode s ? s.Value : null;

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, Relative), Path.Combine(dir.FullName, "..", Relative) })
            {
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }
}

/// <summary>A fact that is skipped, saying why, when the openspf suite is not on disk.</summary>
public sealed class OpenSpfFactAttribute : FactAttribute
{
    public OpenSpfFactAttribute()
    {
        if (OpenSpfSuite.FilePath is null)
        {
            Skip = OpenSpfSuite.SkipReason;
        }
    }
}
