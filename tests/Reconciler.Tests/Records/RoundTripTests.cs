using System.Security.Cryptography;
using Reconciler.Records;

namespace Reconciler.Tests.Records;

/// <summary>Parse(x.Render()) is semantically x, and rendering is a fixed point (no drift between runs).</summary>
public class RoundTripTests
{
    private static readonly string RsaKey = MakeRsaKey();

    private static string MakeRsaKey()
    {
        using var rsa = RSA.Create(2048);
        return Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("20230624214700")]
    [InlineData("ABCdef0123456789ABCdef0123456789")]
    public void MtaStsTxtRecord_round_trips(string id)
    {
        var x = new MtaStsTxtRecord(id);
        Assert.Equal(x, MtaStsTxtRecord.Parse(x.Render()).Value);
    }

    public static TheoryData<MtaStsPolicy> Policies() => new()
    {
        new MtaStsPolicy(MtaStsMode.Enforce, 604800, ["smtphost.exchangelabs.nl", "*.mail.protection.outlook.com"]),
        new MtaStsPolicy(MtaStsMode.Testing, 86400, ["mx.example.com"]),
        new MtaStsPolicy(MtaStsMode.None, 0, []),
        new MtaStsPolicy(MtaStsMode.Enforce, MtaStsPolicy.MaxMaxAge, ["a.example.com", "b.example.com", "*.c.example.com"]),
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void MtaStsPolicy_round_trips(MtaStsPolicy x)
    {
        var r = MtaStsPolicy.Parse(x.Render());
        Assert.True(r.Ok);
        Assert.Empty(r.Problems);
        Assert.True(x.SemanticEquals(r.Value!));
        Assert.Equal(x.Mx, r.Value!.Mx);
        Assert.Equal(x.Render(), r.Value.Render());
    }

    [Theory]
    [InlineData("mailto:tlsrpt@example.com")]
    [InlineData("mailto:a@example.com", "https://reports.example.net/v1/tls")]
    public void TlsRptRecord_round_trips(params string[] rua)
    {
        var x = new TlsRptRecord(rua);
        var back = TlsRptRecord.Parse(x.Render()).Value!;
        Assert.True(x.SemanticEquals(back));
        Assert.Equal(x.Rua, back.Rua);
    }

    [Theory]
    [InlineData("v=DMARC1; p=reject")]
    [InlineData("v=DMARC1; p=reject; sp=reject; pct=100; rua=mailto:dmarcreports@exchange2019.nl")]
    [InlineData("v=DMARC1; p=quarantine; sp=none; np=reject; psd=y; t=y; adkim=s; aspf=s; fo=0:1:d:s; rua=mailto:a@example.com,mailto:b@example.org!10m; ruf=mailto:f@example.com; rf=afrf; ri=3600")]
    [InlineData("v=DMARC1; rua=mailto:only@example.com")]
    [InlineData("v=DMARC1; p=none; future=x; another=y")]
    public void DmarcRecord_round_trips(string txt)
    {
        var x = DmarcRecord.Parse(txt).Value!;
        var back = DmarcRecord.Parse(x.Render());
        Assert.True(back.Ok, string.Join("; ", back.Problems));
        Assert.True(x.SemanticEquals(back.Value!));
        Assert.Equal(x.Render(), back.Value!.Render());
        Assert.Equal(x.Tags.Count, back.Value.Tags.Count);
    }

    [Theory]
    [InlineData("v=spf1 -all")]
    [InlineData("v=spf1")]
    [InlineData("v=spf1 a:smtphost.exchangelabs.nl include:spf.protection.outlook.com -all")]
    [InlineData("v=spf1 +a mx/24 a:x.example.com/28//64 mx:m.example.com//48 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all")]
    [InlineData("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} ?include:_s.example.com redirect=_spf.example.com exp=explain._spf.%{d} foo=bar")]
    [InlineData("v=spf1 ptr:example.com -ptr ?all")]
    public void SpfRecord_round_trips(string txt)
    {
        var x = SpfRecord.Parse(txt).Value!;
        var back = SpfRecord.Parse(x.Render()).Value!;
        Assert.True(x.SemanticEquals(back));
        Assert.Equal(x.Terms, back.Terms);
        Assert.Equal(x.Render(), back.Render());
    }

    [Fact]
    public void SpfRecord_built_in_code_round_trips()
    {
        var x = new SpfRecord([new SpfTerm("+", "a", null, false), new SpfTerm("~", "mx", "/24", false),
            new SpfTerm("?", "include", "a.example.com", false), new SpfTerm("-", "all", null, false), new SpfTerm("", "exp", "e.example.com", true)]);
        Assert.Equal("v=spf1 a ~mx/24 ?include:a.example.com -all exp=e.example.com", x.Render());
        Assert.Equal(x.Terms, SpfRecord.Parse(x.Render()).Value!.Terms);
    }

    [Fact]
    public void DkimKeyRecord_round_trips()
    {
        foreach (var txt in new[]
                 {
                     $"v=DKIM1; k=rsa; p={RsaKey}",
                     $"p={RsaKey}; t=y:s; s=email; h=sha256; n=notes here",
                     "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(new byte[32]),
                     "v=DKIM1; p=",
                 })
        {
            var x = DkimKeyRecord.Parse(txt).Value!;
            var back = DkimKeyRecord.Parse(x.Render());
            Assert.True(back.Ok, string.Join("; ", back.Problems));
            Assert.True(x.SemanticEquals(back.Value!));
            Assert.Equal(x.Render(), back.Value!.Render());
        }
    }

    [Theory]
    [InlineData(3, 1, 1, 64)]
    [InlineData(2, 0, 2, 128)]
    [InlineData(3, 0, 0, 10)]
    public void Tlsa_round_trips(byte usage, byte selector, byte matching, int hexDigits)
    {
        var x = new TlsaRecord(usage, selector, matching, string.Concat(Enumerable.Repeat("0f", hexDigits / 2)));
        Assert.Equal(x, TlsaText.Parse(TlsaText.Render(x)).Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1000)]
    public void Split_txt_strings_concatenate_back(int length)
    {
        var value = "v=DKIM1; k=rsa; p=" + new string('Q', length);
        Assert.Equal(value, string.Concat(ZoneText.SplitTxt(value)));
    }
}
