using System.Buffers.Binary;
using DnsClient;
using DnsClient.Protocol;

namespace Reconciler.Observe.Dns;

/// <summary>A question as a response repeats it.</summary>
internal readonly record struct DnsQuestionEntry(string Name, QueryType Type, QueryClass Class);

/// <summary>
/// A decoded DNS response: the header fields this project decides on, the question section and
/// the answer section (as DnsClient's record types; types it does not read are left out).
/// </summary>
internal sealed record DnsMessage(
    ushort Id,
    bool IsResponse,
    bool Truncated,
    DnsHeaderResponseCode ResponseCode,
    IReadOnlyList<DnsQuestionEntry> Questions,
    IReadOnlyList<DnsResourceRecord> Answers);

/// <summary>
/// The DNS message format (RFC 1035 §4, EDNS0 from RFC 6891) for one question: encodes the query,
/// decodes the response. Names in responses (compression pointers included) are read by DnsClient's
/// <see cref="DnsDatagramReader"/>, which refuses pointer loops and reads past the end; every
/// record's data is read within its RDLENGTH.
/// </summary>
internal static class DnsWire
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

    /// <summary>Decodes a response; throws <see cref="DnsWireException"/> when it is malformed.</summary>
    public static DnsMessage Read(byte[] message)
    {
        if (message.Length < 12)
        {
            throw new DnsWireException($"a message of {message.Length} bytes is shorter than a DNS header");
        }

        try
        {
            return ReadChecked(message);
        }
        catch (Exception e) when (e is not DnsWireException)
        {
            throw new DnsWireException($"malformed DNS message ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static DnsMessage ReadChecked(byte[] message)
    {
        var span = message.AsSpan();
        var id = BinaryPrimitives.ReadUInt16BigEndian(span);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        var questionCount = BinaryPrimitives.ReadUInt16BigEndian(span[4..]);
        var answerCount = BinaryPrimitives.ReadUInt16BigEndian(span[6..]);
        var isResponse = (flags & 0x8000) != 0;
        var truncated = (flags & 0x0200) != 0;
        var code = (DnsHeaderResponseCode)(flags & 0x000f);

        var reader = new DnsDatagramReader(new ArraySegment<byte>(message), 12);
        var questions = new List<DnsQuestionEntry>(questionCount);
        for (var i = 0; i < questionCount; i++)
        {
            var name = reader.ReadDnsName().Value;
            var type = (QueryType)reader.ReadUInt16NetworkOrder();
            var @class = (QueryClass)reader.ReadUInt16NetworkOrder();
            questions.Add(new DnsQuestionEntry(name, type, @class));
        }

        // A truncated message may end anywhere after the question: its answers are not read.
        var answers = new List<DnsResourceRecord>(truncated ? 0 : answerCount);
        for (var i = 0; i < answerCount && !truncated; i++)
        {
            var owner = reader.ReadDnsName();
            var type = (ResourceRecordType)reader.ReadUInt16NetworkOrder();
            var @class = (QueryClass)reader.ReadUInt16NetworkOrder();
            var ttl = (int)reader.ReadUInt32NetworkOrder();
            var length = reader.ReadUInt16NetworkOrder();
            var start = reader.Index;
            if (start + length > message.Length)
            {
                throw new DnsWireException($"a {type} record's data ({length} bytes) runs past the end of the message");
            }

            var info = new ResourceRecordInfo(owner, type, @class, ttl, length);
            if (ReadData(reader, info, message.AsSpan(start, length)) is { } record)
            {
                if (reader.Index > start + length)
                {
                    throw new DnsWireException($"a {type} record's data is longer than its RDLENGTH {length}");
                }

                answers.Add(record);
            }

            reader.Advance(start + length - reader.Index);
        }

        return new DnsMessage(id, isResponse, truncated, code, questions, answers);
    }

    /// <summary>The record for the types the observer reads; null for any other type (skipped).</summary>
    private static DnsResourceRecord? ReadData(DnsDatagramReader reader, ResourceRecordInfo info, ReadOnlySpan<byte> data)
    {
        switch (info.RecordType)
        {
            case ResourceRecordType.A when data.Length == 4:
                return new ARecord(info, new System.Net.IPAddress(data));
            case ResourceRecordType.AAAA when data.Length == 16:
                return new AaaaRecord(info, new System.Net.IPAddress(data));
            case ResourceRecordType.A or ResourceRecordType.AAAA:
                throw new DnsWireException($"an {info.RecordType} record of {data.Length} bytes");
            case ResourceRecordType.CNAME:
                return new CNameRecord(info, reader.ReadDnsName());
            case ResourceRecordType.NS:
                return new NsRecord(info, reader.ReadDnsName());
            case ResourceRecordType.MX:
                var preference = reader.ReadUInt16NetworkOrder();
                return new MxRecord(info, preference, reader.ReadDnsName());
            case ResourceRecordType.TXT:
                return ReadTxt(info, data);
            case ResourceRecordType.TLSA when data.Length >= 3:
                return new TlsaRecord(info, data[0], data[1], data[2], data[3..].ToArray());
            case ResourceRecordType.TLSA:
                throw new DnsWireException($"a TLSA record of {data.Length} bytes");
            default:
                return null;
        }
    }

    /// <summary>TXT RDATA: one or more character-strings, each a length octet and that many octets.</summary>
    private static TxtRecord ReadTxt(ResourceRecordInfo info, ReadOnlySpan<byte> data)
    {
        var escaped = new List<string>();
        var text = new List<string>();
        for (var at = 0; at < data.Length;)
        {
            var length = data[at];
            if (at + 1 + length > data.Length)
            {
                throw new DnsWireException("a TXT character-string runs past its record's data");
            }

            var bytes = data.Slice(at + 1, length).ToArray();
            escaped.Add(DnsDatagramReader.ParseString(bytes));
            text.Add(DnsDatagramReader.ReadUTF8String(new ArraySegment<byte>(bytes)));
            at += 1 + length;
        }

        return new TxtRecord(info, [.. escaped], [.. text]);
    }
}

/// <summary>A DNS message that could not be decoded.</summary>
internal sealed class DnsWireException : Exception
{
    public DnsWireException(string message)
        : base(message)
    {
    }

    public DnsWireException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
