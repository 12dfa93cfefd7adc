using System.Security.Cryptography;
using Reconciler.Records;

namespace Reconciler.Tests.Records;

public class DkimKeyRecordTests
{
    private static string SpkiKey(int bits)
    {
        using var rsa = RSA.Create(bits);
        return Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }

    private static string Pkcs1Key(int bits)
    {
        using var rsa = RSA.Create(bits);
        return Convert.ToBase64String(rsa.ExportRSAPublicKey());
    }

    private static readonly string Rsa2048 = SpkiKey(2048);

    private static readonly string Ed25519Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void Rsa_2048_key_is_valid_without_problems()
    {
        var key = Rsa2048;
        var r = DkimKeyRecord.Parse($"v=DKIM1; k=rsa; p={key}");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Empty(r.Problems);
        Assert.Equal(("rsa", key, 2048, false), (r.Value!.KeyType, r.Value.PublicKey, r.Value.RsaBits, r.Value.IsRevoked));
    }

    [Fact]
    public void Rsa_1024_key_is_a_warning()
    {
        var r = DkimKeyRecord.Parse("p=" + SpkiKey(1024));
        Assert.True(r.Ok);
        var p = Assert.Single(r.Problems);
        Assert.Equal((Severity.Warning, "RFC 8301 §3.2"), (p.Severity, p.Rule));
        Assert.Equal(1024, r.Value!.RsaBits);
        Assert.Equal("rsa", r.Value.KeyType);
    }

    [Fact]
    public void Rsa_512_key_is_an_error()
    {
        var r = DkimKeyRecord.Parse("v=DKIM1; p=" + SpkiKey(512));
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Rule == "RFC 8301 §3.2" && p.Message.Contains("512", StringComparison.Ordinal));
    }

    [Fact]
    public void Bare_rsa_public_key_is_accepted()
    {
        var r = DkimKeyRecord.Parse("v=DKIM1; k=rsa; p=" + Pkcs1Key(2048));
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(2048, r.Value!.RsaBits);
    }

    [Fact]
    public void Whitespace_inside_p_is_ignored()
    {
        var key = Rsa2048;
        var folded = string.Join(" \r\n\t", key.Chunk(60).Select(c => new string(c)));
        var r = DkimKeyRecord.Parse($"v=DKIM1; k=rsa;\r\n p={folded}");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal(key, r.Value!.PublicKey);
        Assert.Equal(2048, r.Value.RsaBits);
    }

    [Fact]
    public void Ed25519_key_of_32_bytes_is_valid()
    {
        var r = DkimKeyRecord.Parse($"v=DKIM1; k=ed25519; p={Ed25519Key}");
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Equal("ed25519", r.Value!.KeyType);
        Assert.Null(r.Value.RsaBits);
    }

    [Fact]
    public void Ed25519_key_of_another_length_is_an_error()
    {
        var r = DkimKeyRecord.Parse("v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(new byte[33]));
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Rule == "RFC 8463 §4.2" && p.Message.Contains("33", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("v=DKIM1; p=")]
    [InlineData("v=DKIM1; k=rsa; p= ")]
    [InlineData("p=")]
    public void Empty_p_is_a_valid_revoked_key(string txt)
    {
        var r = DkimKeyRecord.Parse(txt);
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.True(r.Value!.IsRevoked);
        Assert.Equal("", r.Value.PublicKey);
        Assert.Null(r.Value.RsaBits);
    }

    [Theory]
    [InlineData("k=rsa; v=DKIM1; p=", "first")]
    [InlineData("v=DKIM2; p=", "DKIM1")]
    [InlineData("v=DKIM1; k=dsa; p=", "k='dsa'")]
    [InlineData("v=DKIM1; k=rsa", "'p'")]
    [InlineData("v=DKIM1; p=not*base64", "base64")]
    [InlineData("v=DKIM1; p=AAAA", "not an RSA public key")]
    [InlineData("v=DKIM1; h=sha1; p=", "sha256")]
    [InlineData("v=DKIM1; s=tlsrpt; p=", "email")]
    [InlineData("v=DKIM1; p=; p=", "more than once")]
    [InlineData("", "empty")]
    public void Rejects_invalid_records(string txt, string mention)
    {
        var r = DkimKeyRecord.Parse(txt);
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Message.Contains(mention, StringComparison.Ordinal));
    }

    [Fact]
    public void Tag_names_are_case_sensitive_per_rfc6376_section_3_2()
    {
        var r = DkimKeyRecord.Parse("v=DKIM1; K=rsa; P=");
        Assert.False(r.Ok);
        Assert.Contains(r.Problems, p => p.Severity == Severity.Error && p.Message.Contains("'p'", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Severity == Severity.Warning && p.Message.Contains("'P'", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Severity == Severity.Warning && p.Message.Contains("'K'", StringComparison.Ordinal));
    }

    [Fact]
    public void Optional_tags_are_accepted()
    {
        var r = DkimKeyRecord.Parse("v=DKIM1; h=sha256:sha1; s=email:*; t=y:s; n=rotated 2026; x_future=1; p=" + SpkiKey(2048));
        Assert.True(r.Ok, string.Join("; ", r.Problems));
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void Render_puts_v_and_k_first_and_p_last()
    {
        var key = Rsa2048;
        var r = DkimKeyRecord.Parse($"p={key[..10]} {key[10..]}; t=s; h=sha256").Value!;
        Assert.Equal($"v=DKIM1; k=rsa; h=sha256; t=s; p={key}", r.Render());
    }

    [Fact]
    public void SemanticEquals_applies_the_rsa_default_and_ignores_order_whitespace_and_notes()
    {
        var key = Rsa2048;
        var a = DkimKeyRecord.Parse($"v=DKIM1; k=rsa; p={key}").Value!;
        Assert.True(a.SemanticEquals(DkimKeyRecord.Parse($"p={key[..20]}\r\n {key[20..]}; n=hello").Value!));
        Assert.True(a.SemanticEquals(DkimKeyRecord.Parse($"k=RSA; s=*; p={key}").Value!));
        Assert.False(a.SemanticEquals(DkimKeyRecord.Parse($"v=DKIM1; t=y; p={key}").Value!));
        Assert.False(a.SemanticEquals(DkimKeyRecord.Parse("v=DKIM1; p=" + SpkiKey(2048)).Value!));
        Assert.False(a.SemanticEquals(DkimKeyRecord.Parse("v=DKIM1; p=").Value!));
        Assert.False(DkimKeyRecord.Parse($"k=ed25519; p={Ed25519Key}").Value!.SemanticEquals(DkimKeyRecord.Parse($"p={Ed25519Key}").Value ?? a));
    }
}
