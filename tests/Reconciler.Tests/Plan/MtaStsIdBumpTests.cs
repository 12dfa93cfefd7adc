using Microsoft.Extensions.Time.Testing;
using Reconciler.Plan;

namespace Reconciler.Tests.Plan;

public sealed class MtaStsIdBumpTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 28, 20, 42, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("20260101000000", "20260101000000", "20261128204200")]
    [InlineData("20230624214700", "20230624214700", "20261128204200")]
    [InlineData("1", "1", "20261128204200")]
    [InlineData("20301231235959", "20301231235959", "20301231235960")]
    [InlineData("20261128204200", "20261128204200", "20261128204201")]
    [InlineData("20261128204200", "99999999999999", "100000000000000")]
    public void Proposal_is_the_clock_or_past_the_larger_id(string declared, string live, string expected)
    {
        var proposed = MtaStsIdBump.Propose(Clock, declared, live);
        Assert.Equal(expected, proposed);
        Assert.True(MtaStsIdBump.Compare(proposed, declared) > 0);
        Assert.True(MtaStsIdBump.Compare(proposed, live) > 0);
    }

    [Fact]
    public void Proposal_uses_utc_even_when_the_clock_has_an_offset()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 22, 42, 0, TimeSpan.FromHours(2)));
        Assert.Equal("20261128204200", MtaStsIdBump.Propose(clock, "1"));
    }

    [Fact]
    public void Numeric_ids_compare_as_numbers_and_others_ordinally()
    {
        Assert.True(MtaStsIdBump.Compare("9", "10") < 0);
        Assert.True(MtaStsIdBump.Compare("0010", "9") > 0);
        Assert.True(MtaStsIdBump.Compare("abc", "abd") < 0);
        Assert.True(MtaStsIdBump.Compare("v2", "20261128204200") > 0);
    }

    [Theory]
    [InlineData("007", "7", 0)]
    [InlineData("0", "000", 0)]
    [InlineData("20260101000000", "20260101000001", -1)]
    [InlineData("99999999999999999999999999999999", "99999999999999999999999999999998", 1)]
    [InlineData("100000000000000000000", "99999999999999999999", 1)]
    public void Numeric_ids_of_any_length_compare_as_numbers(string a, string b, int expected)
    {
        Assert.Equal(expected, MtaStsIdBump.Compare(a, b));
        Assert.Equal(-expected, MtaStsIdBump.Compare(b, a));
    }

    [Fact]
    public void A_non_numeric_id_above_the_clock_gets_a_valid_successor()
    {
        var proposed = MtaStsIdBump.Propose(Clock, "v2", "v2");
        Assert.Equal("v21", proposed);
        Assert.True(Reconciler.Records.MtaStsTxtRecord.IsValidId(proposed));
    }

    [Fact]
    public void The_successor_of_a_full_length_id_stays_within_32_characters()
    {
        var id = new string('z', 31) + "y";
        var next = MtaStsIdBump.Successor(id);
        Assert.Equal(new string('z', 32), next);
        Assert.True(string.CompareOrdinal(next, id) > 0);
        Assert.True(Reconciler.Records.MtaStsTxtRecord.IsValidId(next));
        Assert.Equal("aY1", MtaStsIdBump.Successor("aY"));
        Assert.Equal("Z" + new string('a', 30) + "A", MtaStsIdBump.Successor("Z" + new string('a', 30) + "9"));
        Assert.Equal(32, MtaStsIdBump.Successor(new string('a', 32)).Length);
    }
}
