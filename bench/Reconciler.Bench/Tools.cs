using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace Reconciler.Bench;

/// <summary>Free loopback ports.</summary>
public static class FreePort
{
    public static int Tcp(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static int Udp(IPAddress address)
    {
        // Knot listens on both UDP and TCP: take a port free for both.
        for (var attempt = 0; ; attempt++)
        {
            var port = Tcp(address);
            try
            {
                using var udp = new UdpClient(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}

/// <summary>Small process and DNS helpers.</summary>
public static class Tools
{
    /// <summary>
    /// The machine's idle time so far, all cores together, in core-seconds (<c>/proc/stat</c>: idle and
    /// iowait, in clock ticks of 1/100 s): the difference over a run is the core time nobody used.
    /// </summary>
    public static double IdleCoreSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[4], CultureInfo.InvariantCulture) + long.Parse(fields[5], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The CPU time <paramref name="process"/> has used so far (user and system), read afresh.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    public static async Task<bool> AnswersAsync(IPEndPoint server, string zone, CancellationToken ct)
    {
        var client = new LookupClient(new LookupClientOptions(server) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(300), Retries = 0, ThrowDnsErrors = false });
        try
        {
            var response = await client.QueryAsync(zone, QueryType.SOA, QueryClass.IN, ct);
            return response.Answers.Count > 0;
        }
        catch (DnsResponseException)
        {
            return false;
        }
    }

    /// <summary>Runs a program to its end and returns its standard output; a non-zero exit throws.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {(await stderr).Trim()}");
        }

        return await stdout + await stderr;
    }

    /// <summary>Parses <c>RESULT key=value key=value</c> lines written by the bench's child modes.</summary>
    public static Dictionary<string, double> Results(string output)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n').Where(l => l.StartsWith("RESULT ", StringComparison.Ordinal)))
        {
            foreach (var pair in line["RESULT ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                result[pair[..eq]] = double.Parse(pair[(eq + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    public static string Result(params (string Key, double Value)[] values) =>
        "RESULT " + string.Join(" ", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value:0.######}")));

    public static Stopwatch Clock() => Stopwatch.StartNew();
}
