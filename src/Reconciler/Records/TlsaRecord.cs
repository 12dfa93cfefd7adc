namespace Reconciler.Records;

/// <summary>RFC 6698 TLSA record; <see cref="Data"/> is lower-case hex without spaces.</summary>
public sealed record TlsaRecord(byte Usage, byte Selector, byte MatchingType, string Data);
