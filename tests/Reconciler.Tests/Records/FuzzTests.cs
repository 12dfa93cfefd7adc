using Reconciler.Records;

namespace Reconciler.Tests.Records;

/// <summary>
/// Mutated and random inputs: parsers never throw, and whatever they accept renders to text they accept
/// again with the same meaning.
/// </summary>
public class FuzzTests
{
    private const int Rounds = 1500;
    private const string Alphabet = "abcdefimnoprstvxyz0123456789 .:;=/%{}-_+~?!,@*\t\r\n\"\\é";

    private static IEnumerable<string> Inputs(int seed, params string[] seeds)
    {
        var random = new Random(seed);
        for (var i = 0; i < Rounds; i++)
        {
            var text = seeds[random.Next(seeds.Length)].ToCharArray().ToList();
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                var at = text.Count == 0 ? 0 : random.Next(text.Count);
                switch (random.Next(3))
                {
                    case 0 when text.Count > 0:
                        text.RemoveAt(at);
                        break;
                    case 1 when text.Count > 0:
                        text[at] = Alphabet[random.Next(Alphabet.Length)];
                        break;
                    default:
                        text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                        break;
                }
            }

            yield return new string(text.ToArray());
        }
    }

    [Fact]
    public void Spf()
    {
        foreach (var input in Inputs(1, "v=spf1 a mx/24 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all",
                     "v=spf1 exists:%{ir}.%{d2} redirect=_spf.example.com exp=x.%{d}", "v=spf1 -all"))
        {
            var r = SpfRecord.Parse(input);
            if (r.Value is { } v)
            {
                var back = SpfRecord.Parse(v.Render());
                Assert.True(back.Value is not null && v.SemanticEquals(back.Value), $"{input} -> {v.Render()}");
            }
        }
    }

    [Fact]
    public void Dmarc()
    {
        foreach (var input in Inputs(2, "v=DMARC1; p=reject; sp=none; adkim=s; fo=1:d; rua=mailto:a@example.com,mailto:b@example.org; pct=50"))
        {
            var r = DmarcRecord.Parse(input);
            if (r.Ok)
            {
                var back = DmarcRecord.Parse(r.Value!.Render());
                Assert.True(back.Ok && r.Value.SemanticEquals(back.Value!), $"{input} -> {r.Value.Render()}");
            }
        }
    }

    [Fact]
    public void Mta_sts_policy_and_txt()
    {
        foreach (var input in Inputs(3, "version: STSv1\nmode: enforce\nmx: a.example.com\nmx: *.b.example.com\nmax_age: 604800\n"))
        {
            var r = MtaStsPolicy.Parse(input);
            if (r.Ok)
            {
                Assert.True(r.Value!.SemanticEquals(MtaStsPolicy.Parse(r.Value.Render()).Value!), input);
            }
        }

        foreach (var input in Inputs(4, "v=STSv1; id=20230624214700"))
        {
            var r = MtaStsTxtRecord.Parse(input);
            if (r.Ok)
            {
                Assert.Equal(r.Value, MtaStsTxtRecord.Parse(r.Value!.Render()).Value);
            }
        }
    }

    [Fact]
    public void Tls_rpt_tlsa_and_dkim()
    {
        foreach (var input in Inputs(5, "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.net/x"))
        {
            var r = TlsRptRecord.Parse(input);
            if (r.Ok)
            {
                Assert.True(r.Value!.SemanticEquals(TlsRptRecord.Parse(r.Value.Render()).Value!), input);
            }
        }

        foreach (var input in Inputs(6, "3 1 1 " + new string('a', 64), "2 0 0 abcd"))
        {
            var r = TlsaText.Parse(input);
            if (r.Ok)
            {
                Assert.Equal(r.Value, TlsaText.Parse(TlsaText.Render(r.Value!)).Value);
            }
        }

        foreach (var input in Inputs(7, "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(new byte[32]), "v=DKIM1; h=sha256; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5"))
        {
            var r = DkimKeyRecord.Parse(input);
            if (r.Ok)
            {
                Assert.True(r.Value!.SemanticEquals(DkimKeyRecord.Parse(r.Value.Render()).Value!), input);
            }
        }
    }

    [Fact]
    public void Tag_list_and_mx_patterns_never_throw()
    {
        foreach (var input in Inputs(8, "a=1; b=2;", "*.example.com", "mail.example.com."))
        {
            _ = TagList.Parse(input, "x");
            if (MxPattern.TryNormalize(input, out var normalized, out _))
            {
                Assert.True(MxPattern.TryNormalize(normalized, out var again, out _));
                Assert.Equal(normalized, again);
            }

            _ = MxPattern.Matches(input, "a.example.com");
            _ = ZoneText.Txt("example.com", input);
        }
    }
}
