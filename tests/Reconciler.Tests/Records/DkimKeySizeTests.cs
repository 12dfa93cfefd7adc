using System.Security.Cryptography;
using Reconciler.Records;

namespace Reconciler.Tests.Records;

/// <summary>The managed RSA key size reader agrees with the OpenSSL import and rejects what it rejects.</summary>
public sealed class DkimKeySizeTests
{
    [Theory]
    [InlineData(1536)]
    [InlineData(1024)]
    [InlineData(1032)]
    [InlineData(2048)]
    [InlineData(3072)]
    public void Key_size_matches_the_openssl_import_for_spki_and_bare_keys(int bits)
    {
        using var rsa = RSA.Create(bits);
        var spki = DkimKeyRecord.Parse("p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        var bare = DkimKeyRecord.Parse("p=" + Convert.ToBase64String(rsa.ExportRSAPublicKey()));

        Assert.Equal(rsa.KeySize, spki.Value!.RsaBits);
        Assert.Equal(rsa.KeySize, bare.Value!.RsaBits);
    }

    [Fact]
    public void Truncated_trailing_or_non_rsa_der_is_not_an_rsa_key()
    {
        using var rsa = RSA.Create(2048);
        var spki = rsa.ExportSubjectPublicKeyInfo();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Null(DkimKeyRecord.Parse("p=" + Convert.ToBase64String(spki[..^3])).Value?.RsaBits);
        Assert.Null(DkimKeyRecord.Parse("p=" + Convert.ToBase64String([.. spki, 0])).Value?.RsaBits);
        Assert.Null(DkimKeyRecord.Parse("p=" + Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo())).Value?.RsaBits);
        Assert.Null(DkimKeyRecord.Parse("p=" + Convert.ToBase64String([0x30, 0x03, 0x02, 0x01, 0x05])).Value?.RsaBits);
    }
}
