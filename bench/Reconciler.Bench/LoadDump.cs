using System.Text.Json;
using Reconciler.Desired;

namespace Reconciler.Bench;

/// <summary>Experiment: prints everything a load produced (specs as JSON, invalid domains, diagnostics), to compare loader versions.</summary>
public static class LoadDump
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static int Run(string repo)
    {
        var desired = DesiredStateLoader.Load(repo);
        foreach (var spec in desired.Domains)
        {
            Console.WriteLine(JsonSerializer.Serialize(spec, Options));
        }

        foreach (var invalid in desired.Invalid)
        {
            Console.WriteLine($"invalid {invalid}");
        }

        foreach (var diagnostic in desired.Diagnostics)
        {
            Console.WriteLine(diagnostic);
        }

        Console.WriteLine($"render {desired.Render}");
        return 0;
    }
}
