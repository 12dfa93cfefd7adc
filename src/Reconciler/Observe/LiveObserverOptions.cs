using System.Net;
using Reconciler.Observe.Dns;

namespace Reconciler.Observe;

/// <summary>
/// How the live state is observed. <see cref="Resolvers"/> empty means the system's resolvers.
/// <see cref="Timeout"/> bounds one DNS query attempt and one whole policy fetch.
/// </summary>
public sealed record LiveObserverOptions
{
    public IReadOnlyList<IPEndPoint> Resolvers { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public int DnsRetries { get; init; } = 1;

    /// <summary>
    /// How the resolvers are asked: one pipelined TCP connection each (UDP for one that refuses TCP),
    /// or UDP. The domains' own servers (<see cref="Authoritative"/>) are always asked over UDP.
    /// </summary>
    public DnsProtocol DnsProtocol { get; init; } = DnsProtocol.Tcp;

    public int Concurrency { get; init; } = 64;

    public int PolicyPort { get; init; } = 443;

    /// <summary>A PEM file with extra trusted root certificates for the policy fetch.</summary>
    public string? CaFile { get; init; }

    /// <summary>Why <paramref name="path"/> cannot serve as <see cref="CaFile"/>, or null when it holds at least one PEM certificate.</summary>
    public static string? CheckCaFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return "the file does not exist";
        }

        try
        {
            var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            roots.ImportFromPemFile(path);
            return roots.Count > 0 ? null : "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)";
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return $"not a readable PEM certificate file ({e.Message.Trim()})";
        }
    }

    /// <summary>Ask each of the domain's NS servers directly and report disagreements.</summary>
    public bool Authoritative { get; init; }

    /// <summary>The port the domain's NS servers are asked on with <see cref="Authoritative"/> (53; tests use others).</summary>
    public int AuthoritativePort { get; init; } = 53;

    /// <summary>
    /// How long a good policy fetch is reused by later runs of the same observer (the daemon's cycles)
    /// while the domain's <c>_mta-sts</c> TXT, MX set, declared policy and policy host addresses are
    /// unchanged. Zero fetches every run. DNS is asked every run regardless.
    /// </summary>
    public TimeSpan PolicyCadence { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Delay before the one retry of a policy fetch that failed to connect.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);
}
