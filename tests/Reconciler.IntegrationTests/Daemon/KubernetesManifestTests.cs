using System.Text;
using Microsoft.Extensions.Configuration;
using Reconciler.Host.Daemon;
using YamlDotNet.RepresentationModel;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>Every YAML under examples/kubernetes/ parses and runs locked down.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Root = FindRoot();
    private static readonly string[] ContainerKeys = ["containers", "initContainers"];
    private static readonly string[] KustomizationKeys = ["resources", "patches"];

    private static string Examples => Path.Combine(Root, "examples", "kubernetes");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reconciler.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static List<(string File, YamlMappingNode Doc)> Documents()
    {
        var docs = new List<(string, YamlMappingNode)>();
        foreach (var file in Directory.EnumerateFiles(Examples, "*.y*ml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file, Encoding.UTF8);
            stream.Load(reader);
            foreach (var doc in stream.Documents)
            {
                docs.Add((Path.GetRelativePath(Examples, file), Assert.IsType<YamlMappingNode>(doc.RootNode)));
            }
        }

        return docs;
    }

    private static YamlNode? Get(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    private static string? Scalar(YamlNode? node, params string[] path) => (Get(node, path) as YamlScalarNode)?.Value;

    /// <summary>Every mapping that holds containers (a pod spec), wherever it sits.</summary>
    private static IEnumerable<YamlMappingNode> PodSpecs(YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            if (map.Children.ContainsKey(new YamlScalarNode("containers")))
            {
                yield return map;
            }

            foreach (var child in map.Children.Values.SelectMany(PodSpecs))
            {
                yield return child;
            }
        }
        else if (node is YamlSequenceNode seq)
        {
            foreach (var child in seq.Children.SelectMany(PodSpecs))
            {
                yield return child;
            }
        }
    }

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode pod) =>
        ContainerKeys
            .Select(k => Get(pod, k))
            .OfType<YamlSequenceNode>()
            .SelectMany(s => s.Children.OfType<YamlMappingNode>());

    [Fact]
    public void Every_file_parses_and_declares_a_kind()
    {
        var docs = Documents();

        Assert.True(docs.Count >= 14, $"only {docs.Count} documents found");
        Assert.All(docs, d => Assert.False(string.IsNullOrEmpty(Scalar(d.Doc, "kind")), $"{d.File} has no kind"));
        var kinds = docs.Select(d => Scalar(d.Doc, "kind")).ToHashSet();
        foreach (var kind in new[] { "Kustomization", "Namespace", "ServiceAccount", "Role", "RoleBinding", "Secret", "ConfigMap", "Deployment", "Service", "CronJob" })
        {
            Assert.Contains(kind, kinds);
        }
    }

    [Fact]
    public void Every_container_runs_non_root_read_only_without_capabilities()
    {
        var containers = Documents()
            .SelectMany(d => PodSpecs(d.Doc).SelectMany(Containers).Select(c => (d.File, Container: c)))
            .Where(c => Get(c.Container, "image") is not null) // entries of strategic-merge patches carry no image
            .ToList();

        Assert.True(containers.Count >= 4, $"only {containers.Count} containers found");
        Assert.All(containers, c =>
        {
            var name = $"{c.File}: {Scalar(c.Container, "name")}";
            Assert.True(Scalar(c.Container, "securityContext", "runAsNonRoot") == "true", $"{name}: runAsNonRoot");
            Assert.True(Scalar(c.Container, "securityContext", "readOnlyRootFilesystem") == "true", $"{name}: readOnlyRootFilesystem");
            Assert.True(Scalar(c.Container, "securityContext", "allowPrivilegeEscalation") == "false", $"{name}: allowPrivilegeEscalation");
            Assert.True(Scalar(c.Container, "securityContext", "seccompProfile", "type") == "RuntimeDefault", $"{name}: seccompProfile");
            var drop = Get(c.Container, "securityContext", "capabilities", "drop") as YamlSequenceNode;
            Assert.True(drop?.Children.OfType<YamlScalarNode>().Any(n => n.Value == "ALL") == true, $"{name}: capabilities.drop ALL");
            Assert.True(Get(c.Container, "resources", "limits", "memory") is not null, $"{name}: memory limit");
            var mounts = (Get(c.Container, "volumeMounts") as YamlSequenceNode)?.Children ?? [];
            Assert.True(mounts.Any(m => Scalar(m, "mountPath") == "/tmp"), $"{name}: an emptyDir at /tmp");
        });
    }

    [Fact]
    public void Pods_run_as_the_image_user_with_the_runtime_default_seccomp_profile()
    {
        var pods = Documents()
            .Where(d => Scalar(d.Doc, "kind") is "Deployment" or "CronJob" && !d.File.Contains("git-sync", StringComparison.Ordinal))
            .SelectMany(d => PodSpecs(d.Doc).Select(p => (d.File, Pod: p)))
            .ToList();

        Assert.Equal(2, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Equal("true", Scalar(p.Pod, "securityContext", "runAsNonRoot"));
            Assert.Equal("1654", Scalar(p.Pod, "securityContext", "runAsUser"));
            Assert.Equal("RuntimeDefault", Scalar(p.Pod, "securityContext", "seccompProfile", "type"));
            Assert.Equal("reconciler", Scalar(p.Pod, "serviceAccountName"));
        });
    }

    [Fact]
    public void The_deployment_probes_healthz_and_readyz()
    {
        var deployment = Documents().Single(d => d.File == "deployment.yaml").Doc;
        var container = Containers(PodSpecs(deployment).Single()).Single(c => Scalar(c, "name") == "reconciler");

        Assert.Equal("/healthz", Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("8080", Scalar((Get(container, "ports") as YamlSequenceNode)!.Children[0], "containerPort"));
    }

    [Fact]
    public void The_role_grants_exactly_get_create_update_on_leases()
    {
        var role = Documents().Single(d => Scalar(d.Doc, "kind") == "Role").Doc;
        var rule = Assert.Single(((YamlSequenceNode)Get(role, "rules")!).Children);

        Assert.Equal(["leases"], ((YamlSequenceNode)Get(rule, "resources")!).Children.Select(n => ((YamlScalarNode)n).Value ?? "").ToArray());
        Assert.Equal(["get", "create", "update"], ((YamlSequenceNode)Get(rule, "verbs")!).Children.Select(n => ((YamlScalarNode)n).Value ?? "").ToArray());
    }

    [Fact]
    public void Every_kustomization_references_files_that_exist()
    {
        foreach (var (file, doc) in Documents().Where(d => Scalar(d.Doc, "kind") == "Kustomization"))
        {
            var dir = Path.GetDirectoryName(Path.Combine(Examples, file))!;
            var refs = KustomizationKeys
                .Select(k => Get(doc, k))
                .OfType<YamlSequenceNode>()
                .SelectMany(s => s.Children)
                .Select(n => n is YamlScalarNode s ? s.Value : Scalar(n, "path"));
            foreach (var reference in refs)
            {
                var target = Path.GetFullPath(Path.Combine(dir, reference!));
                Assert.True(File.Exists(target) || File.Exists(Path.Combine(target, "kustomization.yaml")), $"{file}: {reference} does not exist");
            }
        }
    }

    [Fact]
    public void The_configmap_settings_pass_the_daemon_validation()
    {
        var configMap = Documents().Single(d => Scalar(d.Doc, "kind") == "ConfigMap").Doc;
        var json = Scalar(configMap, "data", "appsettings.json")!;
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Reconciler:LeaderElection:Namespace"] = "mail-reconciler" })
            .Build();
        var options = configuration.GetSection(ReconcilerOptions.Section).Get<ReconcilerOptions>()!;

        var result = new ReconcilerOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal("json", configuration["Logging:Console:FormatterName"]);
        Assert.True(options.LeaderElection.Enabled);
    }
}
