using System.CommandLine;

namespace Reconciler.Host;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Keeps the mail-authentication DNS state of many domains true to YAML in a Git repository.");
        return root.Parse(args).Invoke();
    }
}
