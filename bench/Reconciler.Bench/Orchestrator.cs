using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Reconciler.Bench;

/// <summary>
/// The figures of one fleet size and one build of <c>reconciler plan</c> (<see cref="Build"/>: the native
/// CLI or the full, JIT-compiled build): medians over the rounds (peak RSS: the highest); <see cref="Ratio"/>
/// is the median of each round's plan / floor, the floor measured in the same round, just before.
/// </summary>
public sealed record Figures(
    string Build,
    int Domains,
    int Rounds,
    double Ratio,
    double RatioMin,
    double RatioMax,
    double PlanSeconds,
    double PlanCpuSeconds,
    long PeakRssBytes,
    long DnsQueries,
    long HttpsFetches,
    double DnsFloorSeconds,
    double DnsFloorQps,
    double HttpsFloorSeconds,
    double HttpsFloorCpuSeconds,
    double PlanIdleSeconds,
    double HttpsFloorIdleSeconds,
    double PlanHostCpuSeconds,
    double PlanKnotCpuSeconds,
    double HttpsFloorHostCpuSeconds,
    double WarmSeconds,
    long WarmDns,
    long WarmHttps,
    int Drift,
    int ExpectedDrift,
    PeerFigures? Peer = null)
{
    public double FloorSeconds => DnsFloorSeconds + HttpsFloorSeconds;
}

/// <summary>
/// The Node.js peer (<c>bench/node-peer</c>: mailauth's MTA-STS, SPF, DMARC and DKIM checks) over the same
/// world in the same rounds: medians, and <see cref="Ratio"/> the median of each round's peer time over
/// this build's plan time in that round (how many times as fast the plan is).
/// </summary>
public sealed record PeerFigures(double Seconds, double CpuSeconds, long PeakRssBytes, double Ratio, double RatioMin, double RatioMax);

/// <summary>
/// The <c>run</c> mode: for one N, generates the world, starts Knot and the policy host, records the
/// observer's query mix in a dry pass, measures the floors (dnsperf, raw SslStream), the cold
/// <c>reconciler plan</c> (child process, GNU time for peak RSS) and the warm cycle. The floors and the
/// plan are measured in turn for several rounds: this machine's speed drifts by 10 % within minutes, so
/// one floor measured a minute before one plan makes a ratio that swings.
/// </summary>
/// <param name="native">The native CLI (<c>src/Reconciler.Cli</c> published), planned with in each round beside the full build; none: the full build alone.</param>
/// <param name="nodePeer">The Node.js peer's folder (<c>bench/node-peer</c>, its packages installed), run in each round after the plans; none: not measured.</param>
public sealed class Orchestrator(string binDirectory, int concurrency, int rounds, TextWriter log, string? native = null, string? nodePeer = null)
{
    private const string FullBuild = "full (JIT)";
    private const string NativeBuild = "native CLI";

    private string Self => Path.Combine(binDirectory, "reconciler-bench.dll");

    private string Reconciler => Path.Combine(binDirectory, "reconciler.dll");

    /// <summary>How each build is started: the file and the arguments before the command's own.</summary>
    private IEnumerable<(string Build, string File, string[] Prefix)> Builds()
    {
        if (native is not null)
        {
            yield return (NativeBuild, native, []);
        }

        yield return (FullBuild, "dotnet", [Reconciler]);
    }

    public async Task<IReadOnlyList<Figures>> RunAsync(int count, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory($"reconciler-bench-{count}-").FullName;
        try
        {
            return await RunInAsync(directory, count, ct);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The <c>up</c> mode: generates a world in <paramref name="directory"/> and serves it until stopped (for profiling).</summary>
    public async Task<int> UpAsync(string directory, int count, CancellationToken ct)
    {
        var world = World.Generate(directory, count);
        using var knot = await KnotRunner.StartAsync(world, TimeSpan.FromSeconds(120), ct);
        var policyPort = FreePort.Tcp(IPAddress.Parse(World.PolicyAddress(0)));
        var statsPort = FreePort.Tcp(IPAddress.Loopback);
        var caFile = Path.Combine(directory, "ca.pem");
        using var host = await ChildProcess.StartServerAsync("dotnet", [Self, "serve", directory, Str(policyPort), Str(statsPort), caFile], "ready", TimeSpan.FromSeconds(180), ct);
        log.WriteLine($"up: --repo {world.RepoDirectory} --dns {knot.EndPoint} --policy-port {policyPort} --ca-file {caFile}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private async Task<IReadOnlyList<Figures>> RunInAsync(string directory, int count, CancellationToken ct)
    {
        var clock = Tools.Clock();
        var world = World.Generate(directory, count);
        log.WriteLine($"[{count}] generated {count} domains in {world.Zones.Count + 1} zones ({clock.Elapsed.TotalSeconds:F1} s)");

        clock.Restart();
        using var knot = await KnotRunner.StartAsync(world, TimeSpan.FromSeconds(120), ct);
        log.WriteLine($"[{count}] knotd serving on {knot.EndPoint} ({clock.Elapsed.TotalSeconds:F1} s)");

        var policyPort = FreePort.Tcp(IPAddress.Parse(World.PolicyAddress(0)));
        var statsPort = FreePort.Tcp(IPAddress.Loopback);
        var caFile = Path.Combine(directory, "ca.pem");
        using var host = await ChildProcess.StartServerAsync("dotnet", [Self, "serve", directory, Str(policyPort), Str(statsPort), caFile], "ready", TimeSpan.FromSeconds(180), ct);
        log.WriteLine($"[{count}] policy host on {World.PolicyAddress(0)}..{World.PolicyAddress(World.PolicyAddresses - 1)}:{policyPort}: {host.ReadyLine}");

        var planArgs = new List<string> { "plan", "--repo", world.RepoDirectory, "--format", "json",
            "--policy-port", Str(policyPort), "--ca-file", caFile, "--concurrency", Str(concurrency) };

        // (0) Dry pass through the recording relay (UDP, so every question passes it as one datagram):
        // the exact (name, type) mix the observer sends.
        var queriesFile = Path.Combine(directory, "queries.txt");
        using (var recorder = new DnsRecorder(knot.EndPoint))
        {
            var dry = await ChildProcess.RunAsync("dotnet", [Reconciler, .. planArgs, "--dns", $"127.0.0.1:{recorder.Port}", "--dns-protocol", "udp"], Path.Combine(directory, "dry.json"), ct);
            await File.WriteAllLinesAsync(queriesFile, recorder.Questions, ct);
            log.WriteLine($"[{count}] dry pass: exit {dry.ExitCode}, {recorder.Questions.Count} queries recorded, {recorder.Truncated} truncated, {dry.Seconds:F1} s");
        }

        var measured = new List<Round>();
        var peers = new Dictionary<int, ChildRun>();
        for (var round = 1; round <= rounds; round++)
        {
            var tag = rounds > 1 ? $"[{count} round {round}]" : $"[{count}]";

            // (1) DNS floor: dnsperf replaying that mix against the same Knot.
            var dnsFloor = await DnsPerf.RunAsync(knot.EndPoint, queriesFile, ct);
            log.WriteLine($"{tag} dnsperf: {dnsFloor.Queries} queries at {dnsFloor.Qps:F0} q/s = {dnsFloor.Seconds:F3} s ({dnsFloor.Lost} lost)");

            // (2) HTTPS floor: raw SslStream over the same targets with the same concurrency.
            var hostBefore = host.CpuTime;
            var floor = Tools.Results(await Tools.RunAsync("dotnet", [Self, "floor-https", world.TargetsFile, Str(policyPort), caFile, Str(concurrency)], ct));
            var floorHostCpu = (host.CpuTime - hostBefore).TotalSeconds;
            log.WriteLine($"{tag} raw SslStream: {floor["fetches"]} fetches ({floor["ok"]} ok) in {floor["seconds"]:F3} s (CPU {floor["cpu"]:F2} s, policy host CPU {floorHostCpu:F2} s, cores idle {floor["idle"]:F2} s)");

            // (3) The cold plan, a child process as users run it, with each build (in turns: the one
            // second in this round goes first in the next).
            var builds = Builds().ToList();
            if (round % 2 == 0)
            {
                builds.Reverse();
            }

            foreach (var (build, file, prefix) in builds)
            {
                var dnsBefore = await knot.QueriesAsync(ct);
                var httpsBefore = await ChildProcess.StatsAsync(statsPort, ct);
                var planOut = Path.Combine(directory, "plan.json");
                var (hostCpu, knotCpu, idle) = (host.CpuTime, knot.CpuTime, Tools.IdleCoreSeconds());
                var plan = await ChildProcess.RunAsync(file, [.. prefix, .. planArgs, "--dns", knot.EndPoint.ToString()], planOut, ct);
                idle = Tools.IdleCoreSeconds() - idle;
                var (planHostCpu, planKnotCpu) = ((host.CpuTime - hostCpu).TotalSeconds, (knot.CpuTime - knotCpu).TotalSeconds);
                var dnsQueries = await knot.QueriesAsync(ct) - dnsBefore;
                var httpsFetches = (await ChildProcess.StatsAsync(statsPort, ct)) - httpsBefore;
                var drift = Drift(planOut);
                var floorSeconds = dnsFloor.Seconds + floor["seconds"];
                log.WriteLine($"{tag} plan, {build}: exit {plan.ExitCode}, {plan.Seconds:F3} s (CPU {plan.CpuSeconds:F2} s), peak RSS {plan.PeakRss / 1048576.0:F0} MB, {dnsQueries} DNS queries, {httpsFetches} HTTPS fetches, {drift} drifting (expected {world.Drifting}); {plan.Seconds / floorSeconds:F2} x the floor; policy host CPU {planHostCpu:F2} s, knotd CPU {planKnotCpu:F2} s, cores idle {idle:F2} s");
                if (plan.ExitCode is not (0 or 2))
                {
                    throw new InvalidOperationException($"reconciler plan ({build}) failed with exit {plan.ExitCode}: {plan.Error}");
                }

                measured.Add(new Round(round, build, plan.Seconds, plan.CpuSeconds, plan.PeakRss, dnsQueries, httpsFetches, drift, dnsFloor.Seconds, dnsFloor.Qps, floor["seconds"], floor["cpu"], idle, floor["idle"], planHostCpu, planKnotCpu, floorHostCpu));
            }

            // (4) The Node.js peer over the same world, servers and concurrency.
            if (nodePeer is not null)
            {
                var peerOut = Path.Combine(directory, "peer.txt");
                var peer = await ChildProcess.RunAsync("env",
                    [$"NODE_EXTRA_CA_CERTS={caFile}", "node", Path.Combine(nodePeer, "peer.js"), Path.Combine(world.RepoDirectory, "domains"),
                     knot.EndPoint.Address.ToString(), Str(knot.Port), Str(policyPort), Str(concurrency)], peerOut, ct);
                var result = Tools.Results(await File.ReadAllTextAsync(peerOut, ct));
                if (peer.ExitCode != 0 || result.GetValueOrDefault("domains") != count || result.GetValueOrDefault("errors", 1) > 0)
                {
                    throw new InvalidOperationException($"the Node.js peer failed (exit {peer.ExitCode}; {string.Join(' ', result.Select(p => $"{p.Key}={p.Value}"))}): {peer.Error}");
                }

                peers[round] = peer;
                log.WriteLine($"{tag} Node.js peer (mailauth): {peer.Seconds:F3} s (CPU {peer.CpuSeconds:F2} s), peak RSS {peer.PeakRss / 1048576.0:F0} MB, {result["domains"]} domains, {result["policies"]} policies; " +
                    string.Join(", ", measured.Where(r => r.Number == round).Select(r => $"{peer.Seconds / r.PlanSeconds:F2} x the {r.Build} plan's time")));
            }
        }

        // (5) The warm cycle: two cycles in one process, the second reported.
        var warm = Tools.Results(await Tools.RunAsync("dotnet", [Self, "warm", world.RepoDirectory, knot.EndPoint.ToString(), Str(policyPort), caFile, Str(concurrency)], ct));
        log.WriteLine($"[{count}] warm cycle: {warm["warm"]:F3} s ({warm["warmDns"]} DNS queries, {warm["warmHttps"]} HTTPS fetches; cold in-process {warm["cold"]:F3} s)");

        return [.. Builds().Select(b => Summarise(b.Build, measured.Where(r => r.Build == b.Build).ToList()))];

        Figures Summarise(string build, List<Round> runs)
        {
            var ratios = runs.Select(r => r.PlanSeconds / (r.DnsFloorSeconds + r.HttpsFloorSeconds)).ToList();
            var last = runs[^1];
            return new Figures(build, count, runs.Count, Median(ratios), ratios.Min(), ratios.Max(),
                Median(runs.Select(r => r.PlanSeconds)), Median(runs.Select(r => r.PlanCpuSeconds)), runs.Max(r => r.PeakRss),
                last.DnsQueries, last.HttpsFetches, Median(runs.Select(r => r.DnsFloorSeconds)), Median(runs.Select(r => r.DnsFloorQps)),
                Median(runs.Select(r => r.HttpsFloorSeconds)), Median(runs.Select(r => r.HttpsFloorCpuSeconds)),
                Median(runs.Select(r => r.PlanIdleSeconds)), Median(runs.Select(r => r.HttpsFloorIdleSeconds)),
                Median(runs.Select(r => r.PlanHostCpuSeconds)), Median(runs.Select(r => r.PlanKnotCpuSeconds)), Median(runs.Select(r => r.HttpsFloorHostCpuSeconds)),
                warm["warm"], (long)warm["warmDns"], (long)warm["warmHttps"], runs.Min(r => r.Drift), world.Drifting, Peer(runs));
        }

        PeerFigures? Peer(List<Round> runs)
        {
            if (peers.Count == 0)
            {
                return null;
            }

            // Each plan against the peer of its own round.
            var ratios = runs.Select(r => peers[r.Number].Seconds / r.PlanSeconds).ToList();
            return new PeerFigures(Median(peers.Values.Select(p => p.Seconds)), Median(peers.Values.Select(p => p.CpuSeconds)),
                peers.Values.Max(p => p.PeakRss), Median(ratios), ratios.Min(), ratios.Max());
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>One plan of round <paramref name="Number"/>, with the floors measured before it in that round.</summary>
    private sealed record Round(
        int Number, string Build, double PlanSeconds, double PlanCpuSeconds, long PeakRss, long DnsQueries, long HttpsFetches, int Drift,
        double DnsFloorSeconds, double DnsFloorQps, double HttpsFloorSeconds, double HttpsFloorCpuSeconds,
        double PlanIdleSeconds, double HttpsFloorIdleSeconds, double PlanHostCpuSeconds, double PlanKnotCpuSeconds, double HttpsFloorHostCpuSeconds);

    private static int Drift(string planJson)
    {
        using var stream = File.OpenRead(planJson);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("summary").GetProperty("drift").GetInt32();
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>dnsperf over a recorded query file: the server's ceiling for exactly that mix.</summary>
public static class DnsPerf
{
    public sealed record Outcome(long Queries, long Lost, double Qps)
    {
        public double Seconds => Queries / Qps;
    }

    public static async Task<Outcome> RunAsync(IPEndPoint server, string queriesFile, CancellationToken ct)
    {
        var queries = File.ReadLines(queriesFile).LongCount();
        var output = await Tools.RunAsync("dnsperf", ["-s", server.Address.ToString(), "-p", server.Port.ToString(CultureInfo.InvariantCulture),
            "-d", queriesFile, "-n", "3", "-c", "4", "-T", "2", "-q", "256", "-t", "5", "-e"], ct);
        double qps = 0;
        long lost = 0;
        foreach (var line in output.Split('\n').Select(l => l.Trim()))
        {
            if (line.StartsWith("Queries per second:", StringComparison.Ordinal))
            {
                qps = double.Parse(line["Queries per second:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Queries lost:", StringComparison.Ordinal))
            {
                lost = long.Parse(line["Queries lost:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        if (qps <= 0)
        {
            throw new InvalidOperationException($"dnsperf gave no rate:\n{output}");
        }

        return new Outcome(queries, lost, qps);
    }
}

/// <summary>A child process run to its end: wall time, peak RSS (GNU time), exit code.</summary>
public sealed record ChildRun(int ExitCode, double Seconds, double CpuSeconds, long PeakRss, string Error);

/// <summary>Starting and timing child processes.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process process;

    private ChildProcess(Process process, string readyLine)
    {
        this.process = process;
        ReadyLine = readyLine;
    }

    public string ReadyLine { get; }

    /// <summary>The CPU time the server has used so far (user and system).</summary>
    public TimeSpan CpuTime => Tools.CpuTime(process);

    /// <summary>Starts a server and waits for a line starting with <paramref name="ready"/> on its output.</summary>
    public static async Task<ChildProcess> StartServerAsync(string file, IEnumerable<string> arguments, string ready, TimeSpan timeout, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith(ready, StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new ChildProcess(process, line);
            }
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException($"{file} ended before it was ready");
    }

    /// <summary>Runs under GNU time (peak RSS from wait4), standard output to <paramref name="outputFile"/>.</summary>
    public static async Task<ChildRun> RunAsync(string file, IEnumerable<string> arguments, string outputFile, CancellationToken ct)
    {
        var rssFile = outputFile + ".rss";
        var info = new ProcessStartInfo("/usr/bin/time") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (IEnumerable<string>)["-f", "%M %U %S", "-o", rssFile, file, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        var clock = Tools.Clock();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("/usr/bin/time did not start");
        var stdout = Task.Run(async () =>
        {
            await using var output = File.Create(outputFile);
            await process.StandardOutput.BaseStream.CopyToAsync(output, ct);
        }, ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var seconds = clock.Elapsed.TotalSeconds;
        await stdout;
        var usage = (await File.ReadAllLinesAsync(rssFile, ct)).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && char.IsDigit(l[0]))?.Split(' ');
        var rss = usage is null ? 0 : long.Parse(usage[0], CultureInfo.InvariantCulture) * 1024;
        var cpu = usage is null ? 0 : double.Parse(usage[1], CultureInfo.InvariantCulture) + double.Parse(usage[2], CultureInfo.InvariantCulture);
        return new ChildRun(process.ExitCode, seconds, cpu, rss, await stderr);
    }

    public static async Task<long> StatsAsync(int statsPort, CancellationToken ct)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(new Uri($"http://127.0.0.1:{statsPort}/stats"), ct);
        return (long)Tools.Results(text)["requests"];
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
