namespace Reconciler.Records;

/// <summary>One MX record; <see cref="Host"/> is normalised with <see cref="DnsName.Normalize"/>.</summary>
public sealed record MxRecord(int Preference, string Host);
