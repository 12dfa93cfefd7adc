namespace Reconciler.Observe;

/// <summary>Thread-safe counts of DNS queries sent and policy fetches made.</summary>
internal sealed class ObserveCounters
{
    private long dnsQueries;
    private long httpsFetches;

    public long DnsQueries => Interlocked.Read(ref dnsQueries);

    public long HttpsFetches => Interlocked.Read(ref httpsFetches);

    public void CountDnsQuery() => Interlocked.Increment(ref dnsQueries);

    public void CountHttpsFetch() => Interlocked.Increment(ref httpsFetches);
}
