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
    bool Authoritative,
    DnsHeaderResponseCode ResponseCode,
    IReadOnlyList<DnsQuestionEntry> Questions,
    IReadOnlyList<DnsResourceRecord> Answers);

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
