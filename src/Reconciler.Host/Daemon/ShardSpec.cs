using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reconciler.Records;

namespace Reconciler.Host.Daemon;

/// <summary>
/// <c>--shard I/N</c>: this replica owns the domains whose stable hash (the first 8 bytes of
/// SHA-256 of the normalised name, big-endian, mod N) equals I. <c>0/1</c> owns everything.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    public static ShardSpec All { get; } = new(0, 1);

    public bool IsAll => Count == 1;

    public bool Owns(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return Count == 1 || BucketOf(domain, Count) == Index;
    }

    public static int BucketOf(string domain, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(DnsName.Normalize(domain)));
        var value = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (int)(value % (ulong)count);
    }

    /// <summary>Parses <c>I/N</c> with 0 ≤ I &lt; N ≤ 1024; null when malformed.</summary>
    public static ShardSpec? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || count > 1024 || index >= count)
        {
            return null;
        }

        return new ShardSpec(index, count);
    }

    public override string ToString() => $"{Index}/{Count}";
}
