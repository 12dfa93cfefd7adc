using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>
/// A certificate authority made at test time. Issues ECDSA leaf certificates for a host name,
/// valid, expired or for another name; <see cref="WritePemFile"/> writes the root for --ca-file.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa key;

    public TestCertificateAuthority(string name)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Root = request.CreateSelfSigned(now.AddDays(-30), now.AddYears(5));
    }

    public X509Certificate2 Root { get; }

    /// <summary>A leaf for <paramref name="dnsName"/>; defaults: valid from yesterday for a year.</summary>
    public X509Certificate2 Issue(string dnsName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var from = notBefore ?? now.AddDays(-1);
        var to = notAfter ?? now.AddYears(1);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(key), from, to, serial);
        return issued.CopyWithPrivateKey(leafKey);
    }

    public void WritePemFile(string path) => File.WriteAllText(path, Root.ExportCertificatePem());

    public void Dispose()
    {
        Root.Dispose();
        key.Dispose();
    }
}
