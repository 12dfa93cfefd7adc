using System.Buffers.Binary;

namespace Reconciler.Observe.Dns;

/// <summary>
/// Queries framed for TCP (RFC 1035 §4.2.2: a two-octet length, then the message), back to back in
/// one growing buffer, so that a batch goes out in one write without a copy per query. Not
/// thread-safe: a <see cref="TcpChannel"/> fills one under its lock and its writer sends another.
/// </summary>
internal sealed class OutboxBuffer
{
    private byte[] buffer = new byte[4096];

    /// <summary>Bytes written since the last <see cref="Clear"/>.</summary>
    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, Length);

    /// <summary>Appends <paramref name="query"/> with its length in front and <paramref name="id"/> as its id.</summary>
    public void AppendFramed(ReadOnlySpan<byte> query, ushort id)
    {
        var needed = Length + 2 + query.Length;
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(needed, 2 * buffer.Length));
        }

        var target = buffer.AsSpan(Length);
        BinaryPrimitives.WriteUInt16BigEndian(target, (ushort)query.Length);
        query.CopyTo(target[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(target[2..], id);
        Length = needed;
    }

    public void Clear() => Length = 0;
}
