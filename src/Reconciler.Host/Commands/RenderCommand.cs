using System.CommandLine;
using Reconciler.Desired;
using Reconciler.Records;

namespace Reconciler.Host.Commands;

/// <summary>
/// <c>reconciler render [--repo DIR] [--domain NAME]... [--out DIR]</c>: the zone lines and policy file each
/// declaration implies, to stdout or to <c>DIR/&lt;domain&gt;.zone</c> and <c>DIR/&lt;domain&gt;/mta-sts.txt</c>.
/// </summary>
public static class RenderCommand
{
    public static Command Create()
    {
        var repo = ValidateCommand.RepoOption();
        var domainOption = new Option<string[]>("--domain")
        {
            Description = "Render only this domain (repeatable; default: every valid domain).",
            AllowMultipleArgumentsPerToken = false,
        };
        var outOption = new Option<string?>("--out") { Description = "Write <domain>.zone and <domain>/mta-sts.txt under this directory instead of stdout." };
        var command = new Command("render", "Print the DNS records (BIND master format) and MTA-STS policy file each declared domain implies.");
        command.Options.Add(repo);
        command.Options.Add(domainOption);
        command.Options.Add(outOption);
        command.SetAction(parseResult => Run(parseResult, parseResult.GetValue(repo) ?? ".", parseResult.GetValue(domainOption) ?? [], parseResult.GetValue(outOption)));
        return command;
    }

    private static int Run(ParseResult parseResult, string directory, string[] wanted, string? outDirectory)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!Directory.Exists(directory))
        {
            error.WriteLine($"error: the repository directory '{directory}' does not exist");
            return 1;
        }

        var state = DesiredStateLoader.Load(directory);
        foreach (var diagnostic in state.Diagnostics.Where(d => d.Severity >= Severity.Error))
        {
            error.WriteLine(diagnostic.ToString());
        }

        var names = wanted.Select(DnsName.Normalize).ToList();
        var exit = 0;
        foreach (var name in names.Where(n => state.Domains.All(d => d.Domain != n)))
        {
            error.WriteLine(state.Invalid.Any(i => i.Domain == name)
                ? $"error: {name} is invalid and is not rendered"
                : $"error: {name} is not declared under domains/");
            exit = 1;
        }

        var domains = state.Domains.Where(d => names.Count == 0 || names.Contains(d.Domain)).ToList();
        if (names.Count == 0 && state.Invalid.Count > 0)
        {
            exit = 1;
        }

        foreach (var domain in domains)
        {
            var zone = string.Join('\n', ZoneRenderer.Records(domain)) + "\n";
            var policy = ZoneRenderer.Policy(domain);
            if (outDirectory is null)
            {
                output.Write($"; {domain.Domain}\n{zone}");
                if (policy is not null)
                {
                    output.Write($"; policy for https://mta-sts.{domain.Domain}/.well-known/mta-sts.txt\n");
                    output.Write(string.Concat(policy.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => $"; {l}\n")));
                }

                continue;
            }

            try
            {
                Directory.CreateDirectory(outDirectory);
                File.WriteAllText(Path.Combine(outDirectory, $"{domain.Domain}.zone"), zone);
                if (policy is not null)
                {
                    Directory.CreateDirectory(Path.Combine(outDirectory, domain.Domain));
                    File.WriteAllText(Path.Combine(outDirectory, domain.Domain, "mta-sts.txt"), policy);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: --out {outDirectory}: {e.Message}");
                return 1;
            }
        }

        return exit;
    }
}
