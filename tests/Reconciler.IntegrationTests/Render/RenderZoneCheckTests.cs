using System.Diagnostics;
using Reconciler.Host;

namespace Reconciler.IntegrationTests.Render;

/// <summary>Renders the example repository and checks every zone with Knot's own zone checker.</summary>
public sealed class RenderZoneCheckTests : IDisposable
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "examples", "config");
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("render-zonecheck-");

    public void Dispose() => work.Delete(recursive: true);

    [Fact]
    public void Rendered_example_zones_pass_knotc_zone_check()
    {
        var outDir = Path.Combine(work.FullName, "out");
        var (exit, _, error) = Cli.Run("render", "--repo", Examples, "--out", outDir);
        Assert.True(exit == 0, error);

        var zones = Directory.GetFiles(outDir, "*.zone").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["exchange2019.nl.zone", "exchangelabs.nl.zone", "kantoorpost.nl.zone", "oud-merk.nl.zone"], zones.Select(Path.GetFileName));
        foreach (var zone in zones)
        {
            var domain = Path.GetFileNameWithoutExtension(zone);
            var (code, output) = ZoneCheck(domain, File.ReadAllText(zone));
            Assert.True(code == 0, $"knotc zone-check {domain} failed:\n{output}\n{File.ReadAllText(zone)}");
        }

        var policy = File.ReadAllText(Path.Combine(outDir, "exchangelabs.nl", "mta-sts.txt"));
        Assert.Equal(
            "version: STSv1\r\nmode: enforce\r\nmx: smtphost.exchangelabs.nl\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n",
            policy);
        var hop = File.ReadAllText(Path.Combine(outDir, "exchange2019.nl.zone"));
        Assert.Contains("safemail._domainkey.exchange2019.nl.\t3600\tIN\tCNAME\tsafemailhop.exchange2019.nl.", hop, StringComparison.Ordinal);
        Assert.Contains("_25._tcp.mail.exchange2019.nl.\t3600\tIN\tTLSA\t3 1 1 ", hop, StringComparison.Ordinal);
        Assert.DoesNotContain("old2019", hop, StringComparison.Ordinal);
        Assert.Contains("\" \"", hop, StringComparison.Ordinal); // the 2048-bit key is split into 255-byte strings
    }

    [Fact]
    public void An_out_directory_that_cannot_be_written_is_an_error_naming_it()
    {
        var file = Path.Combine(work.FullName, "a-file");
        File.WriteAllText(file, "");

        var (exit, _, error) = Cli.Run("render", "--repo", Examples, "--out", file);

        Assert.Equal(1, exit);
        Assert.StartsWith($"error: --out {file}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checker_rejects_a_broken_zone()
    {
        var (code, output) = ZoneCheck("example.com", "example.com. 3600 IN TXT \"x\"\nexample.com. 3600 IN CNAME other.example.net.\n");
        Assert.True(code != 0, output);
    }

    private (int Code, string Output) ZoneCheck(string domain, string records)
    {
        var dir = Path.Combine(work.FullName, "knot-" + domain);
        Directory.CreateDirectory(dir);
        var zoneFile = Path.Combine(dir, domain + ".zone");
        File.WriteAllText(zoneFile,
            $"$TTL 3600\n{domain}. 3600 IN SOA ns1.example.net. hostmaster.example.net. 1 7200 3600 1209600 3600\n{domain}. 3600 IN NS ns1.example.net.\n{records}");
        var conf = Path.Combine(dir, "knot.conf");
        File.WriteAllText(conf, $"server:\n    rundir: \"{dir}\"\ndatabase:\n    storage: \"{dir}\"\nzone:\n  - domain: {domain}\n    file: \"{zoneFile}\"\n");
        var start = new ProcessStartInfo(File.Exists("/usr/sbin/knotc") ? "/usr/sbin/knotc" : "knotc")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-c", conf, "zone-check", domain })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "knotc did not finish");
        return (process.ExitCode, stdout.Result + stderr);
    }
}

/// <summary>Runs the CLI in-process with captured output.</summary>
internal static class Cli
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
