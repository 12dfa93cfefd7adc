using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Reconciler.Observe;

/// <summary>
/// Decides whether a policy host's certificate is acceptable (RFC 8461 §3.3): valid for exactly
/// <c>mta-sts.domain</c>, within its validity period, chaining to a system root or to one of the
/// extra roots. Gives the precise reason when it is not.
/// </summary>
internal sealed class PolicyCertificates
{
    private readonly X509Certificate2Collection extraRoots;
    private readonly TimeProvider time;

    public PolicyCertificates(string? caFile, TimeProvider time)
    {
        extraRoots = [];
        if (caFile is not null)
        {
            extraRoots.ImportFromPemFile(caFile);
        }

        this.time = time;
        if (extraRoots.Count > 0)
        {
            ChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        }
    }

    /// <summary>
    /// The chain policy for the handshakes: with extra roots, the chain is built against them first
    /// (one small store instead of the system's; <see cref="Check"/> falls back to the system roots),
    /// else null (the system's trust). One instance for every handshake: the TLS layer copies it, and
    /// a new one per connection costs measurably more. The validity period is checked in
    /// <see cref="Check"/> against the <see cref="TimeProvider"/>.
    /// </summary>
    public X509ChainPolicy? ChainPolicy { get; }

    /// <summary>Null when acceptable, else the reason ("certificate expired", "certificate name mismatch", "untrusted root").</summary>
    public string? Check(X509Certificate? certificate, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "no certificate presented";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return "certificate name mismatch";
        }

        // The TLS layer hands over an X509Certificate2 it owns: read it without a copy, never dispose it.
        var copy = certificate as X509Certificate2 is null ? new X509Certificate2(certificate) : null;
        using var owned = copy;
        var leaf = copy ?? (X509Certificate2)certificate;
        var now = time.GetUtcNow().UtcDateTime;
        if (now > leaf.NotAfter.ToUniversalTime())
        {
            return "certificate expired";
        }

        if (now < leaf.NotBefore.ToUniversalTime())
        {
            return "certificate not yet valid";
        }

        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (extraRoots.Count == 0)
        {
            return Describe(systemChain?.ChainStatus ?? []);
        }

        // The handshake built the chain against the extra roots (ChainPolicy); try the system's roots.
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        if (systemChain is not null)
        {
            foreach (var element in systemChain.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf) ? null : Describe(chain.ChainStatus);
    }

    private static string Describe(X509ChainStatus[] statuses)
    {
        if (statuses.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid)))
        {
            return "certificate expired";
        }

        if (statuses.Any(s => s.Status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || s.Status.HasFlag(X509ChainStatusFlags.PartialChain)))
        {
            return "untrusted root";
        }

        var first = statuses.FirstOrDefault(s => s.Status != X509ChainStatusFlags.NoError);
        return first.Status == X509ChainStatusFlags.NoError ? "certificate rejected" : $"certificate rejected: {first.StatusInformation.Trim()}";
    }
}
