using System.CommandLine;
using Reconciler.Desired;
using Reconciler.Records;

namespace Reconciler.Host.Commands;

/// <summary><c>reconciler validate [--repo DIR]</c>: every diagnostic, then a summary; exit 0 when there is no error.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var repo = RepoOption();
        var command = new Command("validate", "Check the config repository (reconciler.yaml, domains/*.yaml) and print every problem as file:line:column.");
        command.Options.Add(repo);
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var directory = parseResult.GetValue(repo) ?? ".";
            if (!Directory.Exists(directory))
            {
                error.WriteLine($"error: the repository directory '{directory}' does not exist");
                return 1;
            }

            var state = DesiredStateLoader.Load(directory);
            foreach (var diagnostic in state.Diagnostics)
            {
                output.WriteLine(diagnostic.ToString());
            }

            var errors = state.Diagnostics.Count(d => d.Severity >= Severity.Error);
            var warnings = state.Diagnostics.Count - errors;
            error.WriteLine($"{state.Domains.Count} valid domain(s), {state.Invalid.Count} invalid; {errors} error(s), {warnings} warning(s)");
            return errors > 0 ? 1 : 0;
        });
        return command;
    }

    internal static Option<string> RepoOption() => new("--repo")
    {
        Description = "The config repository directory (default: the current directory).",
        DefaultValueFactory = _ => ".",
    };
}
