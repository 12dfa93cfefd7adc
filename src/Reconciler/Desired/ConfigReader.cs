using Reconciler.Desired.Yaml;

namespace Reconciler.Desired;

/// <summary>Reads <c>reconciler.yaml</c>: <c>defaults:</c> (validated on its own, merged later) and <c>render:</c>.</summary>
internal static class ConfigReader
{
    private static readonly string[] TopKeys = ["defaults", "render"];
    private static readonly string[] RenderKeys = ["policies"];

    public static (YamlMapping? Defaults, RenderSettings Render) Read(DesiredFile? file, DiagnosticBag bag)
    {
        var none = (default(YamlMapping), new RenderSettings(null));
        if (file is null || YamlTreeReader.Read(file.Path, file.Content, bag) is not { } root)
        {
            return none;
        }

        if (YamlValues.Map(root, "reconciler.yaml", bag, TopKeys) is not { } map)
        {
            return none;
        }

        YamlMapping? defaults = null;
        if (map.Get("defaults") is { } defaultsNode)
        {
            new DomainReader(bag, partial: true).ReadDefaults(defaultsNode);
            defaults = defaultsNode as YamlMapping;
        }

        string? policies = null;
        if (map.Get("render") is { } renderNode && YamlValues.Map(renderNode, "render", bag, RenderKeys) is { } render
            && render.Get("policies") is { } policiesNode && YamlValues.Scalar(policiesNode, "render policies", bag) is { } template)
        {
            policies = template.Value;
            if (!policies.Contains("{domain}", StringComparison.Ordinal))
            {
                bag.Error(template, "render policies must contain '{domain}', e.g. \"policies/{domain}/mta-sts.txt\"");
                policies = null;
            }
            else if (policies.StartsWith('/') || policies.Split('/').Contains("..") || policies.Contains('\\'))
            {
                bag.Error(template, "render policies must be a relative path inside the repository using '/', without '..'");
                policies = null;
            }
        }

        return (defaults, new RenderSettings(policies));
    }
}
