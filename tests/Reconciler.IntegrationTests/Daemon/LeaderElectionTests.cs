using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reconciler.Host.Daemon;

namespace Reconciler.IntegrationTests.Daemon;

public sealed class LeaderElectionTests(FakeLeaseApi leases) : IClassFixture<FakeLeaseApi>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private sealed record Candidate(LeaderElection Elector, DaemonState State, CycleQueue Queue, LogCapture Logs);

    private Candidate NewCandidate(string identity, string ns, string lease, string shard = "0/1", Uri? api = null)
    {
        var options = Options.Create(new ReconcilerOptions
        {
            Shard = shard,
            LeaderElection = new LeaderElectionOptions
            {
                Enabled = true,
                Namespace = ns,
                LeaseName = lease,
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(3),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(100),
            },
        });
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = (api ?? leases.Address).ToString() });
        var state = new DaemonState(TimeProvider.System);
        var queue = new CycleQueue();
        var logs = new LogCapture();
        var logger = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)).CreateLogger<LeaderElection>();
        return new Candidate(new LeaderElection(client, options, state, queue, new DaemonMetrics(), TimeProvider.System, logger), state, queue, logs);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task Two_electors_one_leads_and_on_release_the_other_takes_over()
    {
        var a = NewCandidate("pod-a", "mail", "reconciler");
        var b = NewCandidate("pod-b", "mail", "reconciler");
        await a.Elector.StartAsync(CancellationToken.None);
        await b.Elector.StartAsync(CancellationToken.None);
        try
        {
            await Until(() => a.Elector.IsLeader || b.Elector.IsLeader, "a leader");
            var (leader, follower) = a.Elector.IsLeader ? (a, b) : (b, a);
            Assert.False(follower.Elector.IsLeader);
            Assert.Equal(leader.Elector.Identity, leases.HolderOf("mail", "reconciler"));
            Assert.True(leader.State.IsLeader);
            Assert.False(follower.State.IsLeader);
            Assert.True(leader.Queue.Reader.TryRead(out var reason));
            Assert.Equal(CycleReason.BecameLeader, reason);

            await leader.Elector.StopAsync(CancellationToken.None);
            Assert.NotEqual(leader.Elector.Identity, leases.HolderOf("mail", "reconciler"));

            await Until(() => follower.Elector.IsLeader, "the follower to take over");
            Assert.Equal(follower.Elector.Identity, leases.HolderOf("mail", "reconciler"));
            Assert.True(follower.State.IsLeader);
            Assert.False(leader.Elector.IsLeader);
        }
        finally
        {
            await a.Elector.StopAsync(CancellationToken.None);
            await b.Elector.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_403_from_the_api_fails_readiness_loudly()
    {
        leases.Forbidden["locked-down"] = true;
        var candidate = NewCandidate("pod-c", "locked-down", "reconciler");
        await candidate.Elector.StartAsync(CancellationToken.None);
        try
        {
            await Until(() => candidate.State.Evaluate(TimeSpan.FromMinutes(5)).Reason.Contains("403", StringComparison.Ordinal), "the RBAC error");

            var readiness = candidate.State.Evaluate(TimeSpan.FromMinutes(5));
            Assert.False(readiness.Ready);
            Assert.Contains("leases", readiness.Reason, StringComparison.Ordinal);
            Assert.False(candidate.Elector.IsLeader);
            Assert.Contains(candidate.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("403", StringComparison.Ordinal));
        }
        finally
        {
            await candidate.Elector.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_unreachable_api_makes_the_replica_unready_not_dead()
    {
        var candidate = NewCandidate("pod-e", "mail", "nowhere", api: new Uri("http://127.0.0.1:1/"));
        await candidate.Elector.StartAsync(CancellationToken.None);
        try
        {
            await Until(() => candidate.State.Evaluate(TimeSpan.FromMinutes(5)).Reason.Contains("unreachable", StringComparison.Ordinal), "the transport error");

            Assert.False(candidate.Elector.IsLeader);
            Assert.False(candidate.Elector.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await candidate.Elector.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Each_shard_elects_on_its_own_lease()
    {
        var candidate = NewCandidate("pod-d", "mail", "fleet", shard: "2/4");
        Assert.Equal("fleet-2", candidate.Elector.LeaseName);
        await candidate.Elector.StartAsync(CancellationToken.None);
        try
        {
            await Until(() => candidate.Elector.IsLeader, "leadership of shard 2");
            Assert.Equal("pod-d", leases.HolderOf("mail", "fleet-2"));
            Assert.Null(leases.HolderOf("mail", "fleet"));
        }
        finally
        {
            await candidate.Elector.StopAsync(CancellationToken.None);
        }
    }
}

public sealed class ShardSpecTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData(" 7/1024 ", 7, 1024)]
    public void Parses_I_of_N(string text, int index, int count) => Assert.Equal(new ShardSpec(index, count), ShardSpec.TryParse(text));

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("1/2000")]
    [InlineData("a/b")]
    [InlineData("1")]
    public void Rejects_malformed_shards(string text) => Assert.Null(ShardSpec.TryParse(text));

    [Theory]
    [InlineData("example.com", 7, 5)]
    [InlineData("Example.COM.", 1024, 421)]
    [InlineData("exchangelabs.nl", 3, 2)]
    public void The_bucket_is_the_first_8_bytes_of_sha256_of_the_normalised_name_mod_n(string domain, int count, int bucket) =>
        Assert.Equal(bucket, ShardSpec.BucketOf(domain, count));

    [Fact]
    public void Every_domain_belongs_to_exactly_one_shard_whatever_its_spelling()
    {
        var domains = Enumerable.Range(0, 300).Select(i => $"domain{i}.example").ToList();
        var shards = Enumerable.Range(0, 3).Select(i => new ShardSpec(i, 3)).ToList();

        Assert.All(domains, d => Assert.Single(shards, s => s.Owns(d)));
        Assert.All(domains, d => Assert.Equal(ShardSpec.BucketOf(d, 3), ShardSpec.BucketOf(d.ToUpperInvariant() + ".", 3)));
        Assert.All(shards, s => Assert.InRange(domains.Count(s.Owns), 60, 140));
        Assert.All(domains, d => Assert.True(ShardSpec.All.Owns(d)));
    }
}
