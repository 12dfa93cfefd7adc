using Microsoft.Extensions.Time.Testing;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Records;

namespace Reconciler.Tests.Observe;

public sealed class PolicyCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly MtaStsSpec Declared = new(MtaStsMode.Enforce, 604800, ["mx1.example.com", "*.example.net"], true, "20260101000000");
    private static readonly Observation<IReadOnlyList<string>> Txt = new Found<IReadOnlyList<string>>(["v=STSv1; id=20260101000000"]);
    private static readonly Observation<IReadOnlyList<MxRecord>> Mx = new Found<IReadOnlyList<MxRecord>>([new MxRecord(10, "mx1.example.com"), new MxRecord(20, "mx.example.net")]);
    private static readonly IReadOnlyList<string> Addresses = ["192.0.2.1", "2001:db8::1"];

    private readonly FakeTimeProvider time = new(Start);

    [Fact]
    public void A_good_policy_is_reused_until_the_cadence_elapses()
    {
        var cache = new PolicyCache(time, TimeSpan.FromHours(1));
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);
        cache.Store("example.com", key, 1, time.GetUtcNow(), Good());

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(cache.TryGet("example.com", key, 2, out var cached));
        Assert.Equal("192.0.2.1", cached.Fetches[0].Address);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(cache.TryGet("example.com", key, 2, out _));
    }

    [Fact]
    public void An_entry_never_serves_the_run_that_stored_it()
    {
        var cache = new PolicyCache(time, TimeSpan.FromHours(1));
        var first = cache.BeginRun();
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);
        cache.Store("example.com", key, first, time.GetUtcNow(), Good());

        Assert.False(cache.TryGet("example.com", key, first, out _));
        Assert.True(cache.TryGet("example.com", key, cache.BeginRun(), out _));
    }

    [Fact]
    public void The_cadence_counts_from_when_the_fetch_started()
    {
        var cache = new PolicyCache(time, TimeSpan.FromHours(1));
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);
        var started = time.GetUtcNow();
        time.Advance(TimeSpan.FromMinutes(30));
        cache.Store("example.com", key, 1, started, Good());

        time.Advance(TimeSpan.FromMinutes(30));
        Assert.False(cache.TryGet("example.com", key, 2, out _));
    }

    [Fact]
    public void A_new_mta_sts_id_makes_a_new_key()
    {
        var other = new Found<IReadOnlyList<string>>(["v=STSv1; id=20260202000000"]);
        Assert.NotEqual(PolicyCache.Key(Txt, Mx, Declared, Addresses), PolicyCache.Key(other, Mx, Declared, Addresses));
    }

    [Fact]
    public void A_changed_mx_set_makes_a_new_key_but_mx_order_does_not()
    {
        var reordered = new Found<IReadOnlyList<MxRecord>>([new MxRecord(20, "MX.example.net."), new MxRecord(10, "mx1.example.com")]);
        var added = new Found<IReadOnlyList<MxRecord>>([new MxRecord(10, "mx1.example.com"), new MxRecord(20, "mx.example.net"), new MxRecord(30, "mx3.example.com")]);
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);

        Assert.Equal(key, PolicyCache.Key(Txt, reordered, Declared, Addresses));
        Assert.NotEqual(key, PolicyCache.Key(Txt, added, Declared, Addresses));
        Assert.NotEqual(key, PolicyCache.Key(Txt, new Unknown<IReadOnlyList<MxRecord>>("timeout"), Declared, Addresses));
    }

    [Theory]
    [InlineData("mode")]
    [InlineData("max_age")]
    [InlineData("patterns")]
    [InlineData("unmanaged")]
    public void A_changed_declared_policy_makes_a_new_key(string change)
    {
        MtaStsSpec? changed = change switch
        {
            "mode" => Declared with { Mode = MtaStsMode.Testing },
            "max_age" => Declared with { MaxAge = 86400 },
            "patterns" => Declared with { MxPatterns = ["mx1.example.com"] },
            _ => null,
        };
        Assert.NotEqual(PolicyCache.Key(Txt, Mx, Declared, Addresses), PolicyCache.Key(Txt, Mx, changed, Addresses));
    }

    [Fact]
    public void Changed_policy_host_addresses_make_a_new_key()
    {
        Assert.NotEqual(PolicyCache.Key(Txt, Mx, Declared, Addresses), PolicyCache.Key(Txt, Mx, Declared, ["192.0.2.1"]));
        Assert.Equal(PolicyCache.Key(Txt, Mx, Declared, Addresses), PolicyCache.Key(Txt, Mx, Declared, ["2001:db8::1", "192.0.2.1"]));
    }

    [Fact]
    public void A_key_change_misses_even_within_the_cadence()
    {
        var cache = new PolicyCache(time, TimeSpan.FromHours(1));
        cache.Store("example.com", PolicyCache.Key(Txt, Mx, Declared, Addresses), 1, time.GetUtcNow(), Good());
        var bumped = PolicyCache.Key(new Found<IReadOnlyList<string>>(["v=STSv1; id=20260303000000"]), Mx, Declared, Addresses);

        Assert.False(cache.TryGet("example.com", bumped, 2, out _));
    }

    [Theory]
    [InlineData(PolicyFetchStatus.Refused)]
    [InlineData(PolicyFetchStatus.Unreachable)]
    public void A_failed_fetch_is_not_kept_and_forgets_the_previous_one(PolicyFetchStatus status)
    {
        var cache = new PolicyCache(time, TimeSpan.FromHours(1));
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);
        cache.Store("example.com", key, 1, time.GetUtcNow(), Good());
        var failed = new PolicyObservation(new Found<IReadOnlyList<string>>(Addresses),
            [Good().Fetches[0], new PolicyFetch("2001:db8::1", status, PolicyFailure.Timeout, "timeout", null)]);

        cache.Store("example.com", key, 1, time.GetUtcNow(), failed);

        Assert.False(cache.TryGet("example.com", key, 2, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_zero_cadence_keeps_nothing()
    {
        var cache = new PolicyCache(time, TimeSpan.Zero);
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);
        cache.Store("example.com", key, 1, time.GetUtcNow(), Good());

        Assert.False(cache.TryGet("example.com", key, 2, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Prune_drops_only_stale_entries()
    {
        var cache = new PolicyCache(time, TimeSpan.FromHours(1));
        var key = PolicyCache.Key(Txt, Mx, Declared, Addresses);
        cache.Store("old.example", key, 1, time.GetUtcNow(), Good());
        time.Advance(TimeSpan.FromMinutes(40));
        cache.Store("new.example", key, 1, time.GetUtcNow(), Good());
        time.Advance(TimeSpan.FromMinutes(20));

        cache.Prune();

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("new.example", key, 2, out _));
    }

    private static PolicyObservation Good() => new(
        new Found<IReadOnlyList<string>>(Addresses),
        [
            new PolicyFetch("192.0.2.1", PolicyFetchStatus.Ok, PolicyFailure.None, "", "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n"),
            new PolicyFetch("2001:db8::1", PolicyFetchStatus.Ok, PolicyFailure.None, "", "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n"),
        ]);
}
