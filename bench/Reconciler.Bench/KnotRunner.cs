using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Reconciler.Bench;

/// <summary>
/// Knot DNS serving the world's zones on 127.0.0.1 and a free port, with a control socket and
/// mod-stats so the benchmark can count the queries the server answered.
/// </summary>
public sealed class KnotRunner : IDisposable
{
    private readonly string config;
    private readonly Process process;

    private KnotRunner(string config, Process process, int port)
    {
        this.config = config;
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The CPU time knotd has used so far (user and system).</summary>
    public TimeSpan CpuTime => Tools.CpuTime(process);

    public static async Task<KnotRunner> StartAsync(World world, TimeSpan startTimeout, CancellationToken ct)
    {
        var port = FreePort.Udp(IPAddress.Loopback);
        var run = Path.Combine(world.Directory, "knot");
        Directory.CreateDirectory(run);
        var config = Path.Combine(run, "knot.conf");
        var zones = string.Join("\n", world.AllZones.Select(z => $"  - domain: {z}"));
        await File.WriteAllTextAsync(config, $"""
            server:
                listen: 127.0.0.1@{port}
                rundir: "{run}"
                pidfile: "{run}/knot.pid"
                udp-workers: 2
                tcp-workers: 1
                background-workers: 2
            control:
                listen: "{run}/knot.sock"
            database:
                storage: "{run}"
            log:
              - target: stderr
                any: error
            mod-stats:
              - id: default
            template:
              - id: default
                storage: "{world.ZoneDirectory}"
                file: "%s.zone"
                semantic-checks: off
                journal-content: none
                zonefile-sync: -1
                global-module: mod-stats/default
            zone:
            {zones}

            """, ct);

        var info = new ProcessStartInfo("/usr/sbin/knotd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new InvalidOperationException("knotd did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine($"knotd: {e.Data}");
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var knot = new KnotRunner(config, process, port);
        var clock = Stopwatch.StartNew();
        foreach (var zone in world.AllZones)
        {
            while (!await Tools.AnswersAsync(knot.EndPoint, zone, ct))
            {
                if (process.HasExited || clock.Elapsed > startTimeout)
                {
                    knot.Dispose();
                    throw new InvalidOperationException($"knotd did not serve {zone} within {startTimeout.TotalSeconds} s");
                }

                await Task.Delay(50, ct);
            }
        }

        return knot;
    }

    /// <summary>Queries answered so far (UDP and TCP, from mod-stats).</summary>
    public async Task<long> QueriesAsync(CancellationToken ct)
    {
        var output = await Tools.RunAsync("knotc", ["-c", config, "stats", "mod-stats.request-protocol"], ct);
        long total = 0;
        foreach (var line in output.Split('\n'))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && long.TryParse(line[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                total += n;
            }
        }

        return total;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
