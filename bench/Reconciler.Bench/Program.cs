using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Reconciler.Bench;

/// <summary>
/// <c>reconciler-bench run [--concurrency C] [--rounds R] [N ...]</c> runs the benchmark (default N = 1000 10000) and
/// prints the figures; <c>serve</c>, <c>floor-https</c> and <c>warm</c> are its child processes; the
/// other modes are for profiling (see <see cref="Usage"/> and bench/README.md).
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: reconciler-bench run [--concurrency C] [--rounds R] [--native FILE] [--node-peer DIR] [N ...]
                                                                    the benchmark (default N = 1000 10000, 3 rounds; FILE:
                                                                    the published native CLI, planned with beside the full build;
                                                                    DIR: bench/node-peer with its packages, the Node.js peer)
               reconciler-bench generate DIR N                      write a world without serving it
               reconciler-bench up DIR N                            write a world and serve it until stopped
               reconciler-bench probe REPO DNS PORT CA CONCURRENCY
                                                                    per-stage wall, CPU, allocations (PROBE_WARM, PROBE_LOOPS)
               reconciler-bench dnsonly REPO DNS INFLIGHT           the DNS transport alone (DNS_TCP=1 for TCP)
               reconciler-bench fetchonly TARGETS PORT CA CONCURRENCY   the policy fetcher alone
               reconciler-bench loadonly REPO TIMES                 the desired-state loader alone
               reconciler-bench planonly REPO DNS PORT CA FILE TIMES  planning alone, from observations saved in FILE
               reconciler-bench loadstages REPO                     the loader's stages one by one (ALLOC_SAMPLE=1 ALLOC_PHASE=events|tree|domain|records)
               reconciler-bench loaddump REPO                       everything a load produced, to compare loader versions
               reconciler-bench serve | floor-https | warm ...      child processes of run
        """;

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
                return await new Orchestrator(AppContext.BaseDirectory, 64, 1, Console.Error).UpAsync(args[1], Int(args[2]), ct);
            case "probe" when args.Length == 6:
                return await Probe.RunAsync(args[1], IPEndPoint.Parse(args[2]), Int(args[3]), args[4], Int(args[5]), ct);
            case "fetchonly" when args.Length == 5:
                return await FetchOnly.RunAsync(args[1], Int(args[2]), args[3], Int(args[4]), ct);
            case "loaddump" when args.Length == 2:
                return LoadDump.Run(args[1]);
            case "loadstages" when args.Length == 2:
                return LoadStages.Run(args[1]);
            case "loadonly" when args.Length == 3:
                return LoadOnly.Run(args[1], Int(args[2]));
            case "planonly" when args.Length == 7:
                return await PlanOnly.RunAsync(args[1], IPEndPoint.Parse(args[2]), Int(args[3]), args[4], args[5], Int(args[6]), ct);
            case "dnsonly" when args.Length == 4:
                return await DnsOnly.RunAsync(args[1], IPEndPoint.Parse(args[2]), Int(args[3]), ct);
            case "run":
                return await RunAsync(args.Skip(1).ToList(), ct);
            default:
                await Console.Error.WriteLineAsync(Usage);
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

        var rounds = 3;
        at = args.IndexOf("--rounds");
        if (at >= 0)
        {
            rounds = Int(args[at + 1]);
            args.RemoveRange(at, 2);
        }

        string? native = null;
        at = args.IndexOf("--native");
        if (at >= 0)
        {
            native = Path.GetFullPath(args[at + 1]);
            args.RemoveRange(at, 2);
        }

        string? nodePeer = null;
        at = args.IndexOf("--node-peer");
        if (at >= 0)
        {
            nodePeer = Path.GetFullPath(args[at + 1]);
            args.RemoveRange(at, 2);
        }

        var sizes = args.Count > 0 ? args.Select(Int).ToList() : [1000, 10000];
        var orchestrator = new Orchestrator(AppContext.BaseDirectory, concurrency, Math.Max(1, rounds), Console.Error, native, nodePeer);
        var figures = new List<Figures>();
        foreach (var size in sizes)
        {
            figures.AddRange(await orchestrator.RunAsync(size, ct));
        }

        Console.Out.Write(Report.Table(figures, concurrency));
        return 0;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
