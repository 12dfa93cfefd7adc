using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Observe;

[Collection(ObserveCollection.Name)]
public sealed class SpfTreeTests(ObserveFixture fixture)
{
    private async Task<Observation<SpfTree>?> TreeOf(string name)
    {
        using var observer = fixture.Observer();
        return (await observer.ObserveAsync(ObserveFixture.Spec($"{name}.obs.test"), CancellationToken.None)).SpfTree;
    }

    private async Task<SpfTree> FoundTree(string name) => Assert.IsType<Found<SpfTree>>(await TreeOf(name)).Value;

    [Fact]
    public async Task Lookups_are_counted_across_nested_includes()
    {
        var tree = await FoundTree("spf-ok");
        Assert.Equal(5, tree.DnsLookups);
        Assert.Equal(0, tree.VoidLookups);
        Assert.Empty(tree.Problems);
    }

    [Fact]
    public async Task Redirect_is_followed_and_counted()
    {
        var tree = await FoundTree("spf-redirect");
        Assert.Equal(2, tree.DnsLookups);
        Assert.Empty(tree.Problems);
    }

    [Fact]
    public async Task Void_lookups_of_a_mx_exists_and_include_are_counted()
    {
        var tree = await FoundTree("spf-void");
        Assert.Equal(4, tree.DnsLookups);
        Assert.Equal(4, tree.VoidLookups);
        Assert.Contains("include:nx4.obs.test has no SPF record (NXDOMAIN)", tree.Problems);
        Assert.Contains("4 void lookups; at most 2 are allowed", tree.Problems);
    }

    [Fact]
    public async Task A_loop_is_reported_once_and_not_followed()
    {
        var tree = await FoundTree("spf-loop");
        Assert.Equal(3, tree.DnsLookups);
        Assert.Equal(["SPF loop: spf-loop.obs.test -> loop-a.obs.test -> loop-b.obs.test -> loop-a.obs.test"], tree.Problems);
    }

    [Fact]
    public async Task More_than_ten_lookups_is_a_problem()
    {
        var tree = await FoundTree("spf-many");
        Assert.Equal(12, tree.DnsLookups);
        Assert.Equal(["12 DNS lookups; at most 10 are allowed"], tree.Problems);
    }

    [Fact]
    public async Task Walking_stops_past_twenty_lookups()
    {
        var tree = await FoundTree("spf-huge");
        Assert.Equal(21, tree.DnsLookups);
        Assert.Contains("more than 20 DNS lookups; stopped walking", tree.Problems);
    }

    [Fact]
    public async Task An_include_without_spf_is_a_problem()
    {
        var tree = await FoundTree("spf-noinc");
        Assert.Equal(1, tree.DnsLookups);
        Assert.Equal(0, tree.VoidLookups);
        Assert.Equal(["include:bare-txt.obs.test has no SPF record"], tree.Problems);
    }

    [Fact]
    public async Task Macros_are_counted_but_not_looked_up()
    {
        var tree = await FoundTree("spf-macro");
        Assert.Equal(2, tree.DnsLookups);
        Assert.Equal(0, tree.VoidLookups);
    }

    [Fact]
    public async Task Two_spf_records_are_a_problem()
    {
        var tree = await FoundTree("spf-two");
        Assert.Contains("2 SPF records at spf-two.obs.test; exactly one is allowed", tree.Problems);
    }

    [Fact]
    public async Task An_undecided_include_makes_the_tree_unknown()
    {
        var tree = Assert.IsType<Unknown<SpfTree>>(await TreeOf("spf-unknown"));
        Assert.Contains("SERVFAIL", tree.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_spf_record_is_absent()
    {
        Assert.Equal(new Absent<SpfTree>(AbsenceKind.NoData), await TreeOf("bare-txt"));
    }

    [Fact]
    public async Task Shared_includes_are_queried_once_per_run()
    {
        using var ok = fixture.Observer();
        await ok.ObserveAsync(ObserveFixture.Spec("spf-ok.obs.test"), CancellationToken.None);
        using var other = fixture.Observer();
        var alone = await other.ObserveAsync(ObserveFixture.Spec("spf-other.obs.test"), CancellationToken.None);
        Assert.Equal(3, Assert.IsType<Found<SpfTree>>(alone.SpfTree).Value.DnsLookups);

        using var both = fixture.Observer();
        await both.ObserveAllAsync([ObserveFixture.Spec("spf-ok.obs.test"), ObserveFixture.Spec("spf-other.obs.test")], CancellationToken.None);

        // _spf.shared and _spf2.shared TXT are asked once for both domains.
        Assert.Equal(ok.DnsQueries + other.DnsQueries - 2, both.DnsQueries);
    }
}
