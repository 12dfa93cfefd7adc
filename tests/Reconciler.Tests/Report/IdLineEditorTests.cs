using Reconciler.Report.GitHub;

namespace Reconciler.Tests.Report;

public sealed class IdLineEditorTests
{
    [Theory]
    [InlineData("mta_sts:\n  id: \"2023\"\n", "mta_sts:\n  id: \"20261128\"\n")]
    [InlineData("mta_sts:\n  id: '2023'\n", "mta_sts:\n  id: '20261128'\n")]
    [InlineData("mta_sts:\n  id: 2023\n", "mta_sts:\n  id: 20261128\n")]
    [InlineData("mta_sts:\n  id: 2023 # keep me\n", "mta_sts:\n  id: 20261128 # keep me\n")]
    [InlineData("mta_sts: {mode: enforce, id: \"2023\"}\n", "mta_sts: {mode: enforce, id: \"20261128\"}\n")]
    [InlineData("mta_sts:\r\n  id:   \"2023\"\r\n", "mta_sts:\r\n  id:   \"20261128\"\r\n")]
    [InlineData("mta_sts:\n  id: \"2023\"", "mta_sts:\n  id: \"20261128\"")]
    public void Replaces_only_the_scalar_keeping_quoting_and_layout(string before, string after)
    {
        var edit = IdLineEditor.ReplaceId(before, "20261128");

        Assert.True(edit.Ok, edit.Error);
        Assert.Equal(after, edit.Text);
    }

    [Fact]
    public void A_full_domain_file_changes_in_exactly_the_id_characters()
    {
        const string before = """
            # exchangelabs.nl — managed by mail team
            domain: exchangelabs.nl
            mx:                                  # the exact MX set
              - { preference: 10, host: smtphost.exchangelabs.nl }
            id: "not-this-one"
            dkim:
              id: { key: "v=DKIM1; p=x" }          # a selector called id
            mta_sts:
              mode: enforce                      # enforce | testing | none
              max_age: 604800
              mx:
                - "*.mail.protection.outlook.com"
              id: "20230624214700"               # bumped by the reconciler's PRs
            tls_rpt:
              rua: [ "mailto:TLSReports@exchangelabs.nl" ]

            """;

        var edit = IdLineEditor.ReplaceId(before, "20261128204200");

        Assert.Equal(before.Replace("\"20230624214700\"", "\"20261128204200\"", StringComparison.Ordinal), edit.Text);
        Assert.Equal("20261128204200", IdLineEditor.ReadId(edit.Text!));
    }

    [Fact]
    public void A_byte_order_mark_and_non_ascii_before_the_id_do_not_shift_the_edit()
    {
        const string before = "\uFEFF# dömäin ✓ 😀\nmta_sts:\n  mode: enforce # ünïcode\n  id: \"1\"\n";

        var edit = IdLineEditor.ReplaceId(before, "2");

        Assert.Equal("\uFEFF# dömäin ✓ 😀\nmta_sts:\n  mode: enforce # ünïcode\n  id: \"2\"\n", edit.Text);
    }

    [Theory]
    [InlineData("domain: x\n", "no mta_sts")]
    [InlineData("mta_sts:\n  mode: enforce\n", "has no id")]
    [InlineData("mta_sts: none\n", "not a mapping")]
    [InlineData("mta_sts:\n  id: |\n    2023\n", "Literal")]
    [InlineData("mta_sts:\n  id:\n", "not a non-empty scalar")]
    [InlineData("- a\n- b\n", "not a YAML mapping")]
    [InlineData("mta_sts: {id: \"x\"\n", "does not parse")]
    public void Refuses_what_it_cannot_edit_exactly(string yaml, string reason)
    {
        var edit = IdLineEditor.ReplaceId(yaml, "2026");

        Assert.False(edit.Ok);
        Assert.Contains(reason, edit.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("123456789012345678901234567890123")]
    [InlineData("a\"b")]
    public void Refuses_an_invalid_new_id(string id) =>
        Assert.False(IdLineEditor.ReplaceId("mta_sts:\n  id: x\n", id).Ok);
}
