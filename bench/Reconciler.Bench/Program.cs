using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Reconciler.Bench;

/// <summary>
/// <c>reconciler-bench run [--concurrency C] [N ...]</c> runs the benchmark (default N = 1000 10000) and
/// prints the figures; the other modes are its child processes: <c>serve</c>, <c>floor-https</c>,
/// <c>warm</c>, and <c>generate DIR N</c> to look at a world.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var ct = stop.Token;
        var mode = args.Length > 0 ? args[0] : "run";
        switch (mode)
        {
            case "serve" when args.Length == 5:
                return await PolicyHost.RunAsync(args[1], Int(args[2]), Int(args[3]), args[4], ct);
            case "floor-https" when args.Length == 5:
                return await HttpsFloor.RunAsync(args[1], Int(args[2]), args[3], Int(args[4]), ct);
            case "warm" when args.Length == 6:
                return await WarmCycle.RunAsync(args[1], IPEndPoint.Parse(args[2]), Int(args[3]), args[4], Int(args[5]), ct);
            case "generate" when args.Length == 3:
                World.Generate(args[1], Int(args[2]));
                return 0;
            case "up" when args.Length == 3:
                return await new Orchestrator(AppContext.BaseDirectory, 64, Console.Error).UpAsync(args[1], Int(args[2]), ct);
            case "probe" when args.Length is 6 or 7:
                return await Probe.RunAsync(args[1], IPEndPoint.Parse(args[2]), Int(args[3]), args[4], Int(args[5]), args.Length == 7, ct);
            case "fetchonly" when args.Length == 5:
                return await FetchOnly.RunAsync(args[1], Int(args[2]), args[3], Int(args[4]), ct);
            case "loadonly" when args.Length == 3:
                return LoadOnly.Run(args[1], Int(args[2]));
            case "dnsonly" when args.Length == 4:
                return await DnsOnly.RunAsync(args[1], IPEndPoint.Parse(args[2]), Int(args[3]), ct);
            case "run":
                return await RunAsync(args.Skip(1).ToList(), ct);
            default:
                await Console.Error.WriteLineAsync("usage: reconciler-bench run [--concurrency C] [N ...]");
                return 64;
        }
    }

    private static async Task<int> RunAsync(List<string> args, CancellationToken ct)
    {
        var concurrency = 64;
        var at = args.IndexOf("--concurrency");
        if (at >= 0)
        {
            concurrency = Int(args[at + 1]);
            args.RemoveRange(at, 2);
        }

        var sizes = args.Count > 0 ? args.Select(Int).ToList() : [1000, 10000];
        var orchestrator = new Orchestrator(AppContext.BaseDirectory, concurrency, Console.Error);
        var figures = new List<Figures>();
        foreach (var size in sizes)
        {
            figures.Add(await orchestrator.RunAsync(size, ct));
        }

        Console.Out.Write(Report.Table(figures, concurrency));
        return 0;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
