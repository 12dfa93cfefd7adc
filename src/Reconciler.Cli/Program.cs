using System.CommandLine;
using Reconciler.Host.Commands;

namespace Reconciler.Cli;

/// <summary>
/// The native CLI: <c>validate</c>, <c>plan</c> and <c>render</c>, as in the full build. <c>reconcile</c> and
/// <c>run</c> answer with where to find them instead of "unrecognized command".
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Keeps the mail-authentication DNS state of many domains true to YAML in a Git repository (native CLI: validate, plan, render).");
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(FullBuildOnly("reconcile", "Plan, then report drift to GitHub (full build only)."));
        root.Subcommands.Add(FullBuildOnly("run", "The daemon (full build only)."));
        return root.Parse(args).Invoke();
    }

    private static Command FullBuildOnly(string name, string description)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Error.WriteLine(
                $"error: '{name}' is not in the native CLI, which has validate, plan and render; run it with the full build (the container image, or src/Reconciler.Host)");
            return 1;
        });
        return command;
    }
}
