using System.Buffers.Binary;
using DnsClient;

namespace Reconciler.Observe.Dns;

/// <summary>
/// The DNS message format (RFC 1035 §4, EDNS0 from RFC 6891) for one question: encodes the query,
/// decodes the response into DnsClient's record types. Every read is bounds-checked, names in a
/// record's data must end within it, and compression pointers only point backwards (no loops).
/// </summary>
internal static partial class DnsWire
{
    /// <summary>The UDP payload size advertised with EDNS0 (the DNS flag day 2020 value: no IP fragmentation).</summary>
    public const ushort UdpPayloadSize = 1232;

    /// <summary>Header, a name of at most 255 octets, type and class, and the OPT record.</summary>
    public const int MaxQueryLength = 12 + 255 + 4 + 11;

    private const ushort OptType = 41;

    /// <summary>
    /// Writes a query for <paramref name="name"/> (an A-label name, with or without the trailing dot)
    /// into <paramref name="buffer"/> and returns its length, or -1 when the name cannot be sent
    /// (a non-ASCII character, an empty or over-long label, a name over 255 octets).
    /// </summary>
    public static int WriteQuery(Span<byte> buffer, ushort id, string name, QueryType type, bool recursion)
    {
        if (buffer.Length < MaxQueryLength)
        {
            throw new ArgumentException($"the buffer must hold {MaxQueryLength} bytes", nameof(buffer));
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer, id);
        buffer[2] = recursion ? (byte)0x01 : (byte)0x00; // QR=0, OPCODE=QUERY, RD as asked
        buffer[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[4..], 1); // QDCOUNT
        BinaryPrimitives.WriteUInt16BigEndian(buffer[6..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[10..], 1); // ARCOUNT: the OPT record
        var at = 12;
        var text = name.EndsWith('.') ? name.AsSpan(0, name.Length - 1) : name.AsSpan();
        if (text.Length > 0)
        {
            foreach (var range in text.Split('.'))
            {
                var label = text[range];
                if (label.Length is 0 or > 63 || at + 1 + label.Length > 12 + 254)
                {
                    return -1;
                }

                buffer[at++] = (byte)label.Length;
                foreach (var c in label)
                {
                    if (c > 0x7e || c <= 0x20)
                    {
                        return -1;
                    }

                    buffer[at++] = (byte)c;
                }
            }
        }

        buffer[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], (ushort)QueryClass.IN);
        at += 4;

        // OPT: root owner, TYPE 41, CLASS = payload size, TTL = extended RCODE 0, version 0, no DO bit; no options.
        buffer[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], OptType);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], UdpPayloadSize);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[(at + 4)..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 8)..], 0);
        return at + 10;
    }

    /// <summary>The id of a message, or null when it is shorter than a header.</summary>
    public static ushort? IdOf(ReadOnlySpan<byte> message) =>
        message.Length < 12 ? null : BinaryPrimitives.ReadUInt16BigEndian(message);
}
