using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Reconciler.Desired;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reconciler.Tests.Desired;

/// <summary>The JSON Schemas and the loader must agree: on every example, and on invalid snippets.</summary>
public class SchemaTests
{
    private static readonly string Root = AppContext.BaseDirectory;
    private static readonly Lazy<JsonSchema> DomainSchema = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(Root, "schemas", "domain.schema.json"))));
    private static readonly Lazy<JsonSchema> ConfigSchema = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(Root, "schemas", "reconciler.schema.json"))));

    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        // Every config-repository file under examples/ (reconciler.yaml, domains/*.yaml); other YAML there,
        // such as Kubernetes manifests, is not in this format.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "examples"), "*.y*ml", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) == "reconciler.yaml" || Path.GetFileName(Path.GetDirectoryName(f)) == "domains")
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [Fact]
    public void There_are_examples() => Assert.True(ExampleFiles().Count >= 5);

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_is_accepted_by_schema_and_loader(string relative)
    {
        var path = Path.Combine(Root, relative);
        var schema = Path.GetFileName(path) == "reconciler.yaml" ? ConfigSchema.Value : DomainSchema.Value;
        var result = schema.Evaluate(ToJson(File.ReadAllText(path)));
        Assert.True(result.IsValid, $"{relative} rejected by the schema");

        var repo = Path.GetDirectoryName(Path.GetDirectoryName(path)!)!;
        var state = DesiredStateLoader.Load(Path.GetFileName(path) == "reconciler.yaml" ? Path.GetDirectoryName(path)! : repo);
        Assert.False(state.HasErrors, Load.Lines(state));
        if (Path.GetFileName(path) != "reconciler.yaml")
        {
            Assert.Contains(state.Domains, d => d.File == $"domains/{Path.GetFileName(path)}");
        }
    }

    [Theory]
    [InlineData("domain: example.com\nmx2: []\n")]
    [InlineData("mx: []\n")]
    [InlineData("domain: example.com\nmx:\n  - { preference: 70000, host: a.example.com }\n")]
    [InlineData("domain: example.com\nmx:\n  - { preference: 10 }\n")]
    [InlineData("domain: example.com\nmta_sts:\n  mode: Enforce\n")]
    [InlineData("domain: example.com\nmta_sts:\n  max_age: \"abc\"\n")]
    [InlineData("domain: example.com\nmta_sts:\n  max_age: 31557601\n")]
    [InlineData("domain: example.com\nmta_sts:\n  id: \"2023-06-24\"\n")]
    [InlineData("domain: example.com\nmta_sts:\n  mx: [ \"mail.*.example.com\" ]\n")]
    [InlineData("domain: example.com\ntls_rpt:\n  rua: \"mailto:a@example.com\"\n")]
    [InlineData("domain: example.com\ntls_rpt:\n  rua: [ \"ftp://example.com\" ]\n")]
    [InlineData("domain: example.com\nspf: \"include:x -all\"\n")]
    [InlineData("domain: example.com\ndmarc:\n  p: rejected\n")]
    [InlineData("domain: example.com\ndmarc:\n  p: reject\n  policy: x\n")]
    [InlineData("domain: example.com\ndmarc:\n  p: reject\n  pct: 101\n")]
    [InlineData("domain: example.com\ndkim:\n  s1: { cname: a.example.net, absent: true }\n")]
    [InlineData("domain: example.com\ndkim:\n  s1: { absent: false }\n")]
    [InlineData("domain: example.com\ndkim:\n  bad_sel: { absent: true }\n")]
    [InlineData("domain: example.com\ndane:\n  mx.example.com: \"3 1 1 00\"\n")]
    [InlineData("domain: example.com\ndane:\n  mx.example.com: [ \"5 1 1 00\" ]\n")]
    public void Invalid_domain_files_are_rejected_by_both(string yaml)
    {
        Assert.False(DomainSchema.Value.Evaluate(ToJson(yaml)).IsValid, "the schema accepted it");
        Assert.True(Load.Files((Load.File, yaml)).HasErrors, "the loader accepted it");
    }

    [Theory]
    [InlineData("render:\n  policies: \"policies/mta-sts.txt\"\n")]
    [InlineData("render:\n  policies: \"../{domain}.txt\"\n")]
    [InlineData("defaults:\n  domain: example.com\n")]
    [InlineData("defaults:\n  tls_rpt: { rua: [ \"ftp://x\" ] }\n")]
    [InlineData("extra: 1\n")]
    public void Invalid_settings_are_rejected_by_both(string yaml)
    {
        Assert.False(ConfigSchema.Value.Evaluate(ToJson(yaml)).IsValid, "the schema accepted it");
        Assert.True(Load.Files(("reconciler.yaml", yaml)).HasErrors, "the loader accepted it");
    }

    /// <summary>YAML to JSON as editors see it: plain integers and booleans typed, everything else a string.</summary>
    private static JsonElement ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = Convert(stream.Documents[0].RootNode);
        return JsonDocument.Parse(node?.ToJsonString() ?? "null").RootElement;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain } s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } s => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" } => null,
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };
}
