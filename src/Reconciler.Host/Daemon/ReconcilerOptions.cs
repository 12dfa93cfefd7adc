using System.ComponentModel.DataAnnotations;

namespace Reconciler.Host.Daemon;

/// <summary>
/// The daemon's settings, bound from the configuration section <c>Reconciler</c>
/// (appsettings.json, <c>RECONCILER__SECTION__KEY</c>, the options of <c>run</c>) and validated at
/// start. Holds no secret: the token and the webhook secret live in <see cref="DaemonSecrets"/>.
/// </summary>
public sealed record ReconcilerOptions
{
    public const string Section = "Reconciler";

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00", ErrorMessage = "Reconciler:Interval must be between {1} and {2}.")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the desired source's revision is polled (a change triggers a cycle at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Reconciler:PollInterval must be between {1} and {2}.")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a good policy fetch is reused across cycles; a policy is fetched again at once when the
    /// domain's _mta-sts id, its MX set, its declared policy or the host's addresses change. Zero: every cycle.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Reconciler:PolicyCadence must be between {1} and {2}.")]
    public TimeSpan PolicyCadence { get; init; } = TimeSpan.FromHours(1);

    [Range(1, 1024, ErrorMessage = "Reconciler:Concurrency must be between {1} and {2}.")]
    public int Concurrency { get; init; } = 64;

    /// <summary>Seconds per DNS answer or policy fetch.</summary>
    [Range(0.1, 600.0, ErrorMessage = "Reconciler:Timeout must be between {1} and {2} seconds.")]
    public double Timeout { get; init; } = 5;

    /// <summary>Resolvers, <c>HOST[:PORT]</c>; empty = the system's.</summary>
    public IReadOnlyList<string> Dns { get; init; } = [];

    public bool Authoritative { get; init; }

    /// <summary>How the resolvers are asked: Tcp (pipelined; UDP for a resolver that refuses TCP) or Udp.</summary>
    public Reconciler.Observe.Dns.DnsProtocol DnsProtocol { get; init; } = Reconciler.Observe.Dns.DnsProtocol.Tcp;

    [Range(1, 65535, ErrorMessage = "Reconciler:PolicyPort must be between {1} and {2}.")]
    public int PolicyPort { get; init; } = 443;

    public string? CaFile { get; init; }

    /// <summary>Only these domains (empty = all declared).</summary>
    public IReadOnlyList<string> Domain { get; init; } = [];

    public bool DryRun { get; init; }

    /// <summary>How long a running cycle may continue after SIGTERM before it is cancelled (keep below terminationGracePeriodSeconds).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Reconciler:ShutdownTimeout must be between {1} and {2}.")]
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary><c>I/N</c>: this replica owns the domains whose stable hash mod N is I.</summary>
    [RegularExpression(@"^\d{1,4}/\d{1,4}$", ErrorMessage = "Reconciler:Shard must look like I/N (for example 0/3), got '{0}'.")]
    public string Shard { get; init; } = "0/1";

    public DesiredSourceOptions Desired { get; init; } = new();

    public GitHubTargetOptions GitHub { get; init; } = new();

    public WebhookOptions Webhook { get; init; } = new();

    public LeaderElectionOptions LeaderElection { get; init; } = new();

    public ShardSpec ShardSpec => ShardSpec.TryParse(Shard) ?? ShardSpec.All;
}

/// <summary>Where desired state comes from: exactly one of a directory or a GitHub repository.</summary>
public sealed record DesiredSourceOptions
{
    /// <summary>A checkout kept fresh by git-sync or CI (<c>--repo</c>).</summary>
    public string? Directory { get; init; }

    /// <summary><c>owner/name</c> read through the GitHub REST API at <see cref="Branch"/>.</summary>
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$",
        ErrorMessage = "Reconciler:Desired:GitHubRepo must be OWNER/NAME, got '{0}'.")]
    public string? GitHubRepo { get; init; }

    /// <summary>The tracked branch: read by the GitHub source, and the only branch whose pushes trigger.</summary>
    [Required(ErrorMessage = "Reconciler:Desired:Branch is required.")]
    [RegularExpression(@"^[^\s~^:?*\[\\]+$", ErrorMessage = "Reconciler:Desired:Branch is not a valid branch name: '{0}'.")]
    public string Branch { get; init; } = "main";
}

public sealed record GitHubTargetOptions
{
    /// <summary><c>owner/name</c> where issues, PRs and statuses go; unset = report nowhere.</summary>
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$",
        ErrorMessage = "Reconciler:GitHub:Repo must be OWNER/NAME, got '{0}'.")]
    public string? Repo { get; init; }

    [Url(ErrorMessage = "Reconciler:GitHub:Api must be an absolute URL.")]
    public string Api { get; init; } = "https://api.github.com/";

    /// <summary>A file holding the token (a mounted Secret); otherwise the <c>GITHUB_TOKEN</c> variable.</summary>
    public string? TokenFile { get; init; }
}

public sealed record WebhookOptions
{
    /// <summary>A file holding the secret; otherwise the <c>GITHUB_WEBHOOK_SECRET</c> variable.</summary>
    public string? SecretFile { get; init; }

    [Range(1024, 26_214_400, ErrorMessage = "Reconciler:Webhook:MaxBodyBytes must be between {1} and {2}.")]
    public int MaxBodyBytes { get; init; } = 1024 * 1024;
}

public sealed record LeaderElectionOptions
{
    public bool Enabled { get; init; }

    [RegularExpression(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
        ErrorMessage = "Reconciler:LeaderElection:Namespace must be a Kubernetes namespace name, got '{0}'.")]
    public string? Namespace { get; init; }

    [RegularExpression(@"^[a-z0-9]([-a-z0-9.]{0,240}[a-z0-9])?$",
        ErrorMessage = "Reconciler:LeaderElection:LeaseName must be a Kubernetes object name, got '{0}'.")]
    public string LeaseName { get; init; } = "reconciler";

    /// <summary>This replica's identity in the Lease; default the pod name (<c>POD_NAME</c>, else the host name).</summary>
    public string? Identity { get; init; }

    [Range(typeof(TimeSpan), "00:00:02", "00:10:00", ErrorMessage = "Reconciler:LeaderElection:LeaseDuration must be between {1} and {2}.")]
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Reconciler:LeaderElection:RenewDeadline must be between {1} and {2}.")]
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Reconciler:LeaderElection:RetryPeriod must be between {1} and {2}.")]
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
