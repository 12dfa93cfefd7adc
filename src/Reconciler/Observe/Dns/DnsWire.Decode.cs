using System.Buffers.Binary;
using System.Text;
using DnsClient;
using DnsClient.Protocol;

namespace Reconciler.Observe.Dns;

/// <summary>Decoding: a response's header, question and answer sections into a <see cref="DnsMessage"/>.</summary>
internal static partial class DnsWire
{
    /// <summary>Decodes a response; throws <see cref="DnsWireException"/> when it is malformed.</summary>
    public static DnsMessage Read(ReadOnlySpan<byte> message)
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

    private static DnsMessage ReadChecked(ReadOnlySpan<byte> span)
    {
        var id = BinaryPrimitives.ReadUInt16BigEndian(span);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        var questionCount = BinaryPrimitives.ReadUInt16BigEndian(span[4..]);
        var answerCount = BinaryPrimitives.ReadUInt16BigEndian(span[6..]);
        var isResponse = (flags & 0x8000) != 0;
        var truncated = (flags & 0x0200) != 0;
        var code = (DnsHeaderResponseCode)(flags & 0x000f);

        var at = 12;
        var questions = new DnsQuestionEntry[questionCount];
        for (var i = 0; i < questionCount; i++)
        {
            var name = ReadName(span, ref at);
            var type = (QueryType)ReadUInt16(span, ref at);
            var @class = (QueryClass)ReadUInt16(span, ref at);
            questions[i] = new DnsQuestionEntry(name, type, @class);
        }

        // Most owner names are a pointer to the question's name (at offset 12): that name is decoded once.
        DnsString? questionName = null;

        // A truncated message may end anywhere after the question: its answers are not read.
        var answers = new List<DnsResourceRecord>(truncated ? 0 : answerCount);
        for (var i = 0; i < answerCount && !truncated; i++)
        {
            DnsString owner;
            if (questionCount > 0 && at + 1 < span.Length && span[at] == 0xC0 && span[at + 1] == 12)
            {
                owner = questionName ??= DnsString.FromResponseQueryString(questions[0].Name);
                at += 2;
            }
            else
            {
                owner = DnsString.FromResponseQueryString(ReadName(span, ref at));
            }

            var type = (ResourceRecordType)ReadUInt16(span, ref at);
            var @class = (QueryClass)ReadUInt16(span, ref at);
            var ttl = (int)((uint)ReadUInt16(span, ref at) << 16 | ReadUInt16(span, ref at));
            var length = ReadUInt16(span, ref at);
            if (at + length > span.Length)
            {
                throw new DnsWireException($"a {type} record's data ({length} bytes) runs past the end of the message");
            }

            var info = new ResourceRecordInfo(owner, type, @class, ttl, length);
            if (ReadData(span[..(at + length)], at, info) is { } record)
            {
                answers.Add(record);
            }

            at += length;
        }

        return new DnsMessage(id, isResponse, truncated, (flags & 0x0400) != 0, code, questions, answers);
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> message, ref int at)
    {
        if (at + 2 > message.Length)
        {
            throw new DnsWireException("the message ends in the middle of a field");
        }

        var value = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
        at += 2;
        return value;
    }

    /// <summary>
    /// Reads a name at <paramref name="at"/> (RFC 1035 §4.1.4) in presentation form with its trailing
    /// dot (octets other than letters, digits, '-' and '_' as \DDD). A compression pointer must point
    /// before the start of the labels it ends, so every name is read in bounded steps; a name over
    /// 255 octets, a pointer past the end or forwards, or an extended label type is malformed.
    /// </summary>
    private static string ReadName(ReadOnlySpan<byte> message, ref int at)
    {
        Span<char> text = stackalloc char[4 * 255];
        var length = 0;
        var octets = 1;
        var position = at;
        var floor = at;
        var jumped = false;
        while (true)
        {
            if (position >= message.Length)
            {
                throw new DnsWireException("a name runs past the end of the message");
            }

            var prefix = message[position];
            if (prefix == 0)
            {
                position++;
                break;
            }

            if ((prefix & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length)
                {
                    throw new DnsWireException("a name's compression pointer runs past the end of the message");
                }

                var target = (prefix & 0x3F) << 8 | message[position + 1];
                if (target >= floor)
                {
                    throw new DnsWireException("a name's compression pointer does not point backwards");
                }

                if (!jumped)
                {
                    at = position + 2;
                    jumped = true;
                }

                position = floor = target;
                continue;
            }

            if ((prefix & 0xC0) != 0)
            {
                throw new DnsWireException("a name uses an extended label type");
            }

            octets += prefix + 1;
            if (octets > 255)
            {
                throw new DnsWireException("a name is longer than 255 octets");
            }

            if (position + 1 + prefix > message.Length)
            {
                throw new DnsWireException("a name's label runs past the end of the message");
            }

            foreach (var b in message.Slice(position + 1, prefix))
            {
                if (b is (byte)'-' or (byte)'_' or (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z'))
                {
                    text[length++] = (char)b;
                }
                else
                {
                    text[length++] = '\\';
                    text[length++] = (char)('0' + b / 100);
                    text[length++] = (char)('0' + b / 10 % 10);
                    text[length++] = (char)('0' + b % 10);
                }
            }

            text[length++] = '.';
            position += 1 + prefix;
        }

        if (!jumped)
        {
            at = position;
        }

        return length == 0 ? "." : new string(text[..length]);
    }

    /// <summary>The record for the types the observer reads; null for any other type (skipped).</summary>
    private static DnsResourceRecord? ReadData(ReadOnlySpan<byte> message, int start, ResourceRecordInfo info)
    {
        var data = message[start..];
        var at = start;
        DnsResourceRecord? record = info.RecordType switch
        {
            ResourceRecordType.A when data.Length == 4 => new ARecord(info, new System.Net.IPAddress(data)),
            ResourceRecordType.AAAA when data.Length == 16 => new AaaaRecord(info, new System.Net.IPAddress(data)),
            ResourceRecordType.A or ResourceRecordType.AAAA => throw new DnsWireException($"an {info.RecordType} record of {data.Length} bytes"),
            ResourceRecordType.CNAME => new CNameRecord(info, Name(message, ref at)),
            ResourceRecordType.NS => new NsRecord(info, Name(message, ref at)),
            ResourceRecordType.MX when data.Length >= 3 => new MxRecord(info, BinaryPrimitives.ReadUInt16BigEndian(data), Name(message, ref at, skip: 2)),
            ResourceRecordType.MX => throw new DnsWireException($"an MX record of {data.Length} bytes"),
            ResourceRecordType.TXT => ReadTxt(info, data),
            ResourceRecordType.TLSA when data.Length >= 3 => new TlsaRecord(info, data[0], data[1], data[2], data[3..].ToArray()),
            ResourceRecordType.TLSA => throw new DnsWireException($"a TLSA record of {data.Length} bytes"),
            _ => null,
        };
        if (at > message.Length)
        {
            throw new DnsWireException($"a {info.RecordType} record's data is longer than its RDLENGTH");
        }

        return record;
    }

    /// <summary>A name inside RDATA (<paramref name="skip"/> octets in): it must end within the record's data.</summary>
    private static DnsString Name(ReadOnlySpan<byte> messageToRecordEnd, ref int at, int skip = 0)
    {
        at += skip;
        return DnsString.FromResponseQueryString(ReadName(messageToRecordEnd, ref at));
    }

    /// <summary>
    /// TXT RDATA: one or more character-strings, each a length octet and that many octets, read as
    /// UTF-8 (<see cref="TxtRecord.Text"/>). <see cref="TxtRecord.EscapedText"/> is left empty: the
    /// observer reads the text only.
    /// </summary>
    private static TxtRecord ReadTxt(ResourceRecordInfo info, ReadOnlySpan<byte> data)
    {
        var count = 0;
        for (var at = 0; at < data.Length; at += 1 + data[at])
        {
            if (at + 1 + data[at] > data.Length)
            {
                throw new DnsWireException("a TXT character-string runs past its record's data");
            }

            count++;
        }

        var text = new string[count];
        for (int at = 0, i = 0; at < data.Length; at += 1 + data[at], i++)
        {
            text[i] = Encoding.UTF8.GetString(data.Slice(at + 1, data[at]));
        }

        return new TxtRecord(info, [], text);
    }
}
