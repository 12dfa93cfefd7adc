using System.Diagnostics;
using System.Net;
using DnsClient;
using Reconciler.Desired;
using Reconciler.Observe;
using Reconciler.Observe.Dns;

namespace Reconciler.Bench;

/// <summary>Experiment: the DNS transport alone over a domain-shaped query mix.</summary>
public static class DnsOnly
{
    public static async Task<int> RunAsync(string repo, IPEndPoint dns, int inFlight, CancellationToken ct)
    {
        var desired = DesiredStateLoader.Load(repo);
        // The names the observer asks for each domain (its shared SPF includes and MX hosts aside).
        var questions = desired.Domains.SelectMany(d => new (string, QueryType)[]
            {
                (d.Domain, QueryType.MX), (d.Domain, QueryType.TXT), ("_dmarc." + d.Domain, QueryType.TXT), ("_mta-sts." + d.Domain, QueryType.TXT),
                ("_smtp._tls." + d.Domain, QueryType.TXT), ("mta-sts." + d.Domain, QueryType.A), ("mta-sts." + d.Domain, QueryType.AAAA),
            }
            .Concat((d.Dkim?.Keys ?? []).Select(s => ($"{s}._domainkey.{d.Domain}", QueryType.TXT)))
            .Concat((d.Dane?.Keys ?? []).Select(h => ($"_25._tcp.{h}", QueryType.TLSA)))
            .Concat(DomainObservation.ExternalReportDomains(d.Domain, d.Dmarc).Select(r => ($"{d.Domain}._report._dmarc.{r}", QueryType.TXT))))
            .ToList();
        using var transport = new DnsTransport([dns], new DnsTransportOptions(TimeSpan.FromSeconds(5), 1, true, Environment.GetEnvironmentVariable("DNS_TCP") == "1" ? DnsProtocol.Tcp : DnsProtocol.Udp), TimeProvider.System);
        for (var round = 0; round < 3; round++)
        {
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var wall = Stopwatch.StartNew();
            long errors = 0;
            await Parallel.ForEachAsync(questions, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct }, async (q, token) =>
            {
                var reply = await transport.QueryAsync(q.Item1, q.Item2, token);
                if (reply.Error is not null)
                {
                    Interlocked.Increment(ref errors);
                }
            });
            process.Refresh();
            Console.WriteLine($"{questions.Count} queries: wall {wall.ElapsedMilliseconds} ms cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms alloc {(GC.GetTotalAllocatedBytes() - allocated) / 1048576.0:F1} MB errors {errors}");
        }

        return 0;
    }
}
