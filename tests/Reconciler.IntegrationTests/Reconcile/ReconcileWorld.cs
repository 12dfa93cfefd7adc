using System.Globalization;
using System.Net;
using Reconciler.Host;
using Reconciler.IntegrationTests.FakeGitHub;
using Reconciler.IntegrationTests.Fixtures;

namespace Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// The servers of the reconcile tests, started once: Knot serving <c>reconcile.test</c>, the HTTPS policy
/// hosts, and the fake GitHub (token <see cref="Token"/>). Four domains: two clean, <see cref="Bump"/>
/// (the published policy is in testing mode while the declared one enforces, with the same id: an id bump)
/// and <see cref="Auth"/> (SPF soft-fails and DMARC is p=none where the declaration says -all and reject).
/// </summary>
public sealed class ReconcileWorld : IAsyncLifetime
{
    public const string Zone = "reconcile.test";
    public const string Id = "20260101000000";
    public const string Token = "ghp_FAKE0000-reconcile0000token0000abcd";
    public const string Bump = "bump." + Zone;
    public const string Auth = "auth." + Zone;
    public static readonly string[] Clean = ["clean-a." + Zone, "clean-b." + Zone];
    public static readonly string[] Domains = [.. Clean, Bump, Auth];

    public KnotServer Dns { get; private set; } = null!;

    public PolicyServer Https { get; private set; } = null!;

    public FakeGitHubServer GitHub { get; private set; } = null!;

    /// <summary>A file holding <see cref="Token"/> with a trailing newline (it must be trimmed).</summary>
    public string TokenFile { get; } = Path.Combine(Path.GetTempPath(), $"reconciler-token-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(TokenFile, Token + "\n");
        var zone = new ZoneBuilder(Zone);
        foreach (var domain in Domains)
        {
            AddDomain(zone, domain);
        }

        Dns = await KnotServer.StartAsync([zone]);
        Https = await PolicyServer.StartAsync([IPAddress.Loopback]);
        Https.DefaultResponse = host => PolicyResponse.Ok(
            $"version: STSv1\r\nmode: {(host == "mta-sts." + Bump ? "testing" : "enforce")}\r\nmx: mx1.{host["mta-sts.".Length..]}\r\nmax_age: 604800\r\n");
        Https.Prepare(Domains.Select(d => "mta-sts." + d));
        GitHub = await FakeGitHubServer.StartAsync();
        GitHub.State.Token = Token;
    }

    public async Task DisposeAsync()
    {
        await GitHub.DisposeAsync();
        await Https.DisposeAsync();
        await Dns.DisposeAsync();
        File.Delete(TokenFile);
    }

    /// <summary>
    /// A fresh fake GitHub and a new checkout on <paramref name="branch"/> declaring every domain, committed,
    /// and the same commit (same SHA, same files) at that branch on the fake.
    /// </summary>
    public ConfigCheckout NewCheckout(string branch = "main")
    {
        GitHub.Reset();
        var checkout = new ConfigCheckout(branch);
        checkout.Commit(Domains.ToDictionary(d => $"domains/{d}.yaml", d => (string?)DomainYaml(d)));
        Push(checkout);
        return checkout;
    }

    /// <summary>Puts the checkout's HEAD commit (its SHA and files) at its branch on the fake GitHub.</summary>
    public void Push(ConfigCheckout checkout)
    {
        var state = GitHub.State;
        lock (state.Gate)
        {
            var tree = state.AddTree(checkout.Files);
            var parents = state.Branches.TryGetValue(checkout.Branch, out var head) ? new[] { head } : [];
            state.Commits[checkout.Sha] = new FakeCommit(checkout.Sha, tree, parents, "config");
            state.Branches[checkout.Branch] = checkout.Sha;
        }
    }

    /// <summary>The reconcile command line for <paramref name="checkout"/>: observation options, the fake GitHub and the token file.</summary>
    public List<string> Args(ConfigCheckout checkout, bool tokenFile = true)
    {
        var args = new List<string>
        {
            "reconcile", "--repo", checkout.Directory,
            "--dns", $"{Dns.EndPoint.Address}:{Dns.EndPoint.Port}",
            "--policy-port", Https.Port.ToString(CultureInfo.InvariantCulture),
            "--ca-file", Https.CaFile, "--timeout", "5",
            "--github-repo", $"{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}", "--github-api", GitHub.BaseUrl,
        };
        if (tokenFile)
        {
            args.AddRange(["--github-token-file", TokenFile]);
        }

        return args;
    }

    /// <summary>Runs the command in-process; asserts that neither stream ever shows the token.</summary>
    public static (int Exit, string Output, string Error) Run(IEnumerable<string> args, params string[] secrets)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = Program.Run([.. args], output, error);
        var (stdout, stderr) = (output.ToString(), error.ToString());
        foreach (var secret in secrets.Append(Token))
        {
            Assert.DoesNotContain(secret, stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, stderr, StringComparison.Ordinal);
        }

        return (exit, stdout, stderr);
    }

    /// <summary>A domain file with comments and alignment, so that an id-bump PR can be checked to change only the id line.</summary>
    public static string DomainYaml(string domain) =>
        $$"""
        # {{domain}}: managed by the mail team
        domain: {{domain}}
        mx:
          - { preference: 10, host: mx1.{{domain}} }
        mta_sts:
          mode: enforce          # after a month in testing
          max_age: 604800
          id: "{{Id}}"   # bumped by the reconciler's pull requests
        tls_rpt:
          rua: [ "mailto:tls@{{domain}}" ]
        spf: "v=spf1 mx -all"
        dmarc:
          p: reject
          rua: [ "mailto:dmarc@{{domain}}" ]

        """;

    private static void AddDomain(ZoneBuilder zone, string domain)
    {
        var label = domain[..^(Zone.Length + 1)];
        var auth = domain == Auth;
        zone.Mx(label, 10, $"mx1.{domain}.")
            .A($"mx1.{label}", "192.0.2.1")
            .Txt(label, auth ? "v=spf1 mx ~all" : "v=spf1 mx -all")
            .Txt($"_mta-sts.{label}", $"v=STSv1; id={Id}")
            .A($"mta-sts.{label}", IPAddress.Loopback.ToString())
            .Txt($"_smtp._tls.{label}", $"v=TLSRPTv1; rua=mailto:tls@{domain}")
            .Txt($"_dmarc.{label}", $"v=DMARC1; p={(auth ? "none" : "reject")}; rua=mailto:dmarc@{domain}");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReconcileCollection : ICollectionFixture<ReconcileWorld>
{
    /// <summary>Not run in parallel with anything else: some tests set <c>GITHUB_TOKEN</c> for the process.</summary>
    public const string Name = "reconcile";
}
