using System.Buffers.Binary;
using System.Text;

namespace Reconciler.Tests.Observe;

/// <summary>
/// Builds DNS responses byte by byte for <see cref="DnsWireTests"/>: a header, then whatever
/// names, numbers and records the test appends, malformed ones included.
/// </summary>
internal sealed class DnsResponseBuilder
{
    /// <summary>Where the question name starts: what a compression pointer to it holds.</summary>
    public const int QuestionOffset = 12;

    private readonly List<byte> bytes = [];

    /// <summary>A header: QR set, RD and RA set, the given RCODE and TC bit, the section counts.</summary>
    public DnsResponseBuilder(ushort id, int questions, int answers, int rcode = 0, bool truncated = false)
    {
        U16(id);
        bytes.Add((byte)(0x81 | (truncated ? 0x02 : 0)));
        bytes.Add((byte)(0x80 | (rcode & 0x0f)));
        U16((ushort)questions);
        U16((ushort)answers);
        U16(0);
        U16(0);
    }

    public int Length => bytes.Count;

    /// <summary>An uncompressed name: labels and the root octet.</summary>
    public DnsResponseBuilder Name(string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return this;
    }

    /// <summary>Labels followed by a compression pointer instead of the root octet.</summary>
    public DnsResponseBuilder NameThenPointer(string labels, int offset)
    {
        foreach (var label in labels.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        return Pointer(offset);
    }

    public DnsResponseBuilder Pointer(int offset) => U16((ushort)(0xC000 | offset));

    /// <summary>The question section entry for a name, type and class IN.</summary>
    public DnsResponseBuilder Question(string name, ushort type) => Name(name).U16(type).U16(1);

    /// <summary>
    /// A resource record owned by the question's name (a pointer), class IN, the given TTL, and
    /// RDLENGTH = the data's length unless <paramref name="rdLength"/> overrides it.
    /// </summary>
    public DnsResponseBuilder Record(ushort type, byte[] data, uint ttl = 300, int? rdLength = null)
    {
        Pointer(QuestionOffset).U16(type).U16(1).U32(ttl).U16((ushort)(rdLength ?? data.Length));
        bytes.AddRange(data);
        return this;
    }

    /// <summary>A record whose data the builder appends itself (RDLENGTH given up front).</summary>
    public DnsResponseBuilder RecordHeader(ushort type, int rdLength, uint ttl = 300) =>
        Pointer(QuestionOffset).U16(type).U16(1).U32(ttl).U16((ushort)rdLength);

    public DnsResponseBuilder U16(ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
        return this;
    }

    public DnsResponseBuilder U32(uint value)
    {
        var buffer = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        bytes.AddRange(buffer);
        return this;
    }

    public DnsResponseBuilder Raw(params byte[] data)
    {
        bytes.AddRange(data);
        return this;
    }

    public byte[] Build() => [.. bytes];

    /// <summary>TXT RDATA: each string as a length octet and its ASCII octets.</summary>
    public static byte[] CharacterStrings(params string[] strings) =>
        [.. strings.SelectMany(s => new[] { (byte)s.Length }.Concat(Encoding.ASCII.GetBytes(s)))];
}

/// <summary>The record type numbers the wire tests build records of.</summary>
internal static class WireType
{
    public const ushort A = 1;
    public const ushort Ns = 2;
    public const ushort Cname = 5;
    public const ushort Mx = 15;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
    public const ushort Tlsa = 52;
}
