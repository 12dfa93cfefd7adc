using System.Diagnostics;
using Reconciler.Desired;
using Reconciler.Desired.Yaml;
using Reconciler.Records;
using YamlDotNet.Core;

namespace Reconciler.Bench;

public static class LoadStages
{
    public static int Run(string repo)
    {
        var files = Directory.EnumerateFiles(Path.Combine(repo, "domains")).Order(StringComparer.Ordinal)
            .Select(p => new DesiredFile("domains/" + Path.GetFileName(p), File.ReadAllBytes(p))).ToList();
        var cfgBag = new DiagnosticBag();
        var cfg = ConfigReader.Read(new DesiredFile("reconciler.yaml", File.ReadAllBytes(Path.Combine(repo, "reconciler.yaml"))), cfgBag);
        if (Environment.GetEnvironmentVariable("ALLOC_PHASE") == "records")
        {
            var specs = DesiredStateLoader.Load(repo).Domains;
            for (var round = 0; round < 3; round++)
            {
                long dkimA = 0, dmarcA = 0, spfA = 0, tlsaA = 0, hostA = 0, otherA = 0;
                var sw = Stopwatch.StartNew();
                long dkimT = 0, dmarcT = 0, spfT = 0, tlsaT = 0, hostT = 0, otherT = 0;
                void Measure(ref long a, ref long t, Action action)
                {
                    var a0 = GC.GetAllocatedBytesForCurrentThread();
                    var t0 = sw.ElapsedTicks;
                    action();
                    a += GC.GetAllocatedBytesForCurrentThread() - a0;
                    t += sw.ElapsedTicks - t0;
                }

                foreach (var spec in specs)
                {
                    foreach (var dkim in spec.Dkim?.Values ?? [])
                    {
                        if (dkim.Key is { } key)
                        {
                            Measure(ref dkimA, ref dkimT, () => DkimKeyRecord.Parse(key));
                        }
                        else if (dkim.Cname is { } cname)
                        {
                            Measure(ref hostA, ref hostT, () => DnsName.TryNormalizeHost(cname, out _, out _, true));
                        }
                    }

                    if (spec.Dmarc is { } dmarc)
                    {
                        Measure(ref dmarcA, ref dmarcT, () => DmarcRecord.Parse(dmarc.ToRecordText()));
                    }

                    if (spec.Spf is { } spf)
                    {
                        Measure(ref spfA, ref spfT, () => SpfRecord.Parse(spf));
                    }

                    foreach (var (host, records) in spec.Dane ?? new Dictionary<string, IReadOnlyList<string>>())
                    {
                        Measure(ref hostA, ref hostT, () => DnsName.TryNormalizeHost(host, out _, out _));
                        foreach (var r in records)
                        {
                            Measure(ref tlsaA, ref tlsaT, () => TlsaText.Render(TlsaText.Parse(r).Value!));
                        }
                    }

                    foreach (var mx in spec.Mx ?? [])
                    {
                        Measure(ref hostA, ref hostT, () => DnsName.TryNormalizeHost(mx.Host, out _, out _));
                    }

                    Measure(ref hostA, ref hostT, () => DnsName.TryNormalizeHost(spec.Domain, out _, out _));
                    foreach (var p in spec.MtaSts?.MxPatterns ?? [])
                    {
                        Measure(ref otherA, ref otherT, () => MxPattern.TryNormalize(p, out _, out _));
                    }

                    foreach (var rua in spec.TlsRpt?.Rua ?? [])
                    {
                        Measure(ref otherA, ref otherT, () => TlsRptRecord.IsValidRua(rua, out _));
                    }
                }

                double Ms2(long t) => t * 1000.0 / Stopwatch.Frequency;
                double Mb2(long a) => a / (1024.0 * 1024.0);
                Console.WriteLine($"dkim {Ms2(dkimT):F0} ms {Mb2(dkimA):F1} MB | dmarc {Ms2(dmarcT):F0} ms {Mb2(dmarcA):F1} MB | spf {Ms2(spfT):F0} ms {Mb2(spfA):F1} MB | tlsa {Ms2(tlsaT):F0} ms {Mb2(tlsaA):F1} MB | hosts {Ms2(hostT):F0} ms {Mb2(hostA):F1} MB | other {Ms2(otherT):F0} ms {Mb2(otherA):F1} MB");
            }

            return 0;
        }

        if (Environment.GetEnvironmentVariable("ALLOC_SAMPLE") == "1")
        {
            var sampleBag = new DiagnosticBag();
            var trees = files.Select(f => (YamlMapping)YamlTreeReader.Read(f.Path, f.Content, sampleBag)!).ToList();
            var index = 0;
            using var sampler = new AllocSampler();
            foreach (var f in files)
            {
                var phase = Environment.GetEnvironmentVariable("ALLOC_PHASE");
                if (phase == "events")
                {
                    var p = new Parser(new StringReader(System.Text.Encoding.UTF8.GetString(f.Content)));
                    while (p.MoveNext()) { }
                }
                else if (phase == "domain")
                {
                    var r = trees[index++];
                    new DomainReader(sampleBag, partial: false).Read(DefaultsMerger.Merge(r, cfg.Defaults), f.Path, DnsName.Normalize(Path.GetFileNameWithoutExtension(f.Path)));
                }
                else if (phase == "tree")
                {
                    YamlTreeReader.Read(f.Path, f.Content, sampleBag);
                }
                else
                {
                    DesiredStateLoader.Load([f]);
                }
            }

            Thread.Sleep(500);
            sampler.Print();
            return 0;
        }

        for (var round = 0; round < 3; round++)
        {
            long tDecode = 0, tEvents = 0, tTree = 0, tMerge = 0, tDomain = 0;
            long aDecode = 0, aEvents = 0, aTree = 0, aMerge = 0, aDomain = 0;
            foreach (var f in files)
            {
                var sw = Stopwatch.StartNew();
                var a0 = GC.GetAllocatedBytesForCurrentThread();
                var text = System.Text.Encoding.UTF8.GetString(f.Content);
                var a1 = GC.GetAllocatedBytesForCurrentThread();
                var t1 = sw.ElapsedTicks;
                var parser = new Parser(new StringReader(text));
                while (parser.MoveNext()) { }
                var a2 = GC.GetAllocatedBytesForCurrentThread();
                var t2 = sw.ElapsedTicks;
                var bag = new DiagnosticBag();
                var root = (YamlMapping)YamlTreeReader.Read(f.Path, f.Content, bag)!;
                var a3 = GC.GetAllocatedBytesForCurrentThread();
                var t3 = sw.ElapsedTicks;
                var merged = DefaultsMerger.Merge(root, cfg.Defaults);
                var a4 = GC.GetAllocatedBytesForCurrentThread();
                var t4 = sw.ElapsedTicks;
                new DomainReader(bag, partial: false).Read(merged, f.Path, DnsName.Normalize(Path.GetFileNameWithoutExtension(f.Path)));
                var a5 = GC.GetAllocatedBytesForCurrentThread();
                var t5 = sw.ElapsedTicks;
                aDecode += a1 - a0; aEvents += a2 - a1; aTree += a3 - a2; aMerge += a4 - a3; aDomain += a5 - a4;
                tDecode += t1; tEvents += t2 - t1; tTree += t3 - t2; tMerge += t4 - t3; tDomain += t5 - t4;
            }

            double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
            double Mb(long a) => a / (1024.0 * 1024.0);
            Console.WriteLine($"decode {Ms(tDecode):F0} ms {Mb(aDecode):F0} MB | events {Ms(tEvents):F0} ms {Mb(aEvents):F0} MB | tree(decode+events+nodes) {Ms(tTree):F0} ms {Mb(aTree):F0} MB | merge {Ms(tMerge):F0} ms {Mb(aMerge):F1} MB | domain {Ms(tDomain):F0} ms {Mb(aDomain):F0} MB");
        }

        return 0;
    }
}
