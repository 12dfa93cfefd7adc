using System.CommandLine;
using Reconciler.Host.Commands;

namespace Reconciler.Host;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs one command line, writing to the given streams (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Keeps the mail-authentication DNS state of many domains true to YAML in a Git repository.");
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(ReconcileCommand.Create());
        root.Subcommands.Add(RunCommand.Create(Daemon.PipelineCycleRunner.Create));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
