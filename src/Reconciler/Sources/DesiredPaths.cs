namespace Reconciler.Sources;

/// <summary>Which repository paths are desired state: <c>reconciler.yaml</c> and <c>domains/*.yaml|yml</c>.</summary>
public static class DesiredPaths
{
    public const string Settings = "reconciler.yaml";
    public const string DomainsFolder = "domains";

    public static bool IsDesired(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == Settings)
        {
            return true;
        }

        if (!path.StartsWith(DomainsFolder + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var name = path[(DomainsFolder.Length + 1)..];
        return name.Length > 0
            && !name.Contains('/')
            && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));
    }
}
