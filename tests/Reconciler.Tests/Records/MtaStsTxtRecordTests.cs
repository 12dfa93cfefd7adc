using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class MtaStsTxtRecordTests
{
    [Theory]
    [InlineData("v=STSv1; id=20230624214700", "20230624214700")]
    [InlineData("v=STSv1;id=abc", "abc")]
    [InlineData("v=STSv1; id=abc;", "abc")]
    [InlineData("v=STSv1; id=abc; ext=whatever", "abc")]
    [InlineData("v=STSv1; foo=bar; id=X1", "X1")]
    public void Parses_valid_records_and_ignores_unknown_fields(string txt, string id)
    {
        var r = MtaStsTxtRecord.Parse(txt);
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(id, r.Value!.Id);
        Assert.DoesNotContain(r.Problems, p => p.Severity >= Severity.Error);
    }

    [Theory]
    [InlineData("id=abc; v=STSv1")]
    [InlineData("v=stsv1; id=abc")]
    [InlineData("v=STSv10; id=abc")]
    [InlineData(" v=STSv1; id=abc")]
    [InlineData("v=STSv1")]
    [InlineData("v=STSv1; id=")]
    [InlineData("v=STSv1; id=abc-def")]
    [InlineData("v=STSv1; id=123456789012345678901234567890123")]
    [InlineData("v=STSv1; id=a; id=b")]
    [InlineData("v=STSv1; ID=abc")]
    [InlineData("v=STSv1; Id=abc")]
    public void Rejects_invalid_records_naming_section_3_1(string txt)
    {
        var r = MtaStsTxtRecord.Parse(txt);
        Assert.False(r.Ok);
        Assert.Null(r.Value);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule.StartsWith("RFC 8461 §3.1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("12345678901234567890123456789012", true)]
    [InlineData("123456789012345678901234567890123", false)]
    [InlineData("", false)]
    [InlineData("abc_1", false)]
    [InlineData("2023.06", false)]
    public void IsValidId_accepts_1_to_32_alphanumerics(string id, bool expected) =>
        Assert.Equal(expected, MtaStsTxtRecord.IsValidId(id));

    [Theory]
    [InlineData("v=STSv1; id=1", true)]
    [InlineData("v=STSv1", true)]
    [InlineData("v=STSv1 ;id=1", true)]
    [InlineData("v=spf1 -all", false)]
    [InlineData("v=STSv2; id=1", false)]
    [InlineData("V=STSv1; id=1", false)]
    public void IsMtaSts(string txt, bool expected) => Assert.Equal(expected, MtaStsTxtRecord.IsMtaSts(txt));

    [Fact]
    public void Renders_the_canonical_form() =>
        Assert.Equal("v=STSv1; id=20230624214700", new MtaStsTxtRecord("20230624214700").Render());
}
