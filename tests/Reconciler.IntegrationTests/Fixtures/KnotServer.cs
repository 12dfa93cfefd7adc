using System.Diagnostics;
using System.Net;
using DnsClient;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>
/// A real Knot DNS (<c>/usr/sbin/knotd</c>) serving the given zones on 127.0.0.1 and a free port,
/// from a temporary directory. <see cref="StopAsync"/>/<see cref="StartAsync"/> take it down and
/// bring it back on the same port for "server down" tests. A zone Knot does not serve is answered
/// with REFUSED; a <see cref="ZoneBuilder.Broken"/> zone with SERVFAIL.
/// </summary>
public sealed class KnotServer : IAsyncDisposable
{
    private const string Knotd = "/usr/sbin/knotd";
    private readonly string directory;
    private readonly string probeZone;
    private Process? process;

    private KnotServer(string directory, IPEndPoint endPoint, string probeZone)
    {
        this.directory = directory;
        this.probeZone = probeZone;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public bool IsRunning => process is { HasExited: false };

    /// <summary>
    /// Starts Knot for <paramref name="zones"/> on <paramref name="address"/> (default 127.0.0.1) and
    /// <paramref name="port"/> (default: a free one; give one to run several servers on one port).
    /// </summary>
    public static async Task<KnotServer> StartAsync(IReadOnlyList<ZoneBuilder> zones, IPAddress? address = null, int? port = null, CancellationToken ct = default)
    {
        address ??= IPAddress.Loopback;
        var directory = Directory.CreateTempSubdirectory("reconciler-knot-").FullName;
        foreach (var zone in zones)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, $"{zone.Origin}.zone"), zone.Render(), ct);
        }

        var probe = zones.First(z => !z.IsBroken).Origin;
        for (var attempt = 0; ; attempt++)
        {
            var endPoint = new IPEndPoint(address, port ?? FreePort.Find(address));
            await File.WriteAllTextAsync(Path.Combine(directory, "knot.conf"), Config(directory, endPoint, zones), ct);
            var server = new KnotServer(directory, endPoint, probe);
            try
            {
                await server.StartAsync(ct);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && port is null)
            {
                await server.StopAsync();
            }
        }
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(Knotd)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Path.Combine(directory, "knot.conf"));
        process = Process.Start(info) ?? throw new InvalidOperationException("knotd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var options = new LookupClientOptions(EndPoint) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(200), Retries = 0, ThrowDnsErrors = false };
        var client = new LookupClient(options);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"knotd exited with {process.ExitCode}");
            }

            try
            {
                var response = await client.QueryAsync(probeZone, QueryType.SOA, QueryClass.IN, ct);
                if (response.Answers.Count > 0)
                {
                    return;
                }
            }
            catch (DnsResponseException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, ct);
        }

        throw new InvalidOperationException("knotd did not answer within 20 s");
    }

    public async Task StopAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static string Config(string directory, IPEndPoint endPoint, IReadOnlyList<ZoneBuilder> zones) =>
        $"""
        server:
            listen: {endPoint.Address}@{endPoint.Port}
            rundir: "{directory}"
            pidfile: "{directory}/knot.pid"
            udp-workers: 2
            tcp-workers: 2
            background-workers: 1
        database:
            storage: "{directory}"
        log:
          - target: stderr
            any: error
        template:
          - id: default
            storage: "{directory}"
            file: "%s.zone"
            semantic-checks: off
            journal-content: none
            zonefile-sync: -1
        zone:
        {string.Join("\n", zones.Select(z => $"  - domain: {z.Origin}"))}

        """;
}
