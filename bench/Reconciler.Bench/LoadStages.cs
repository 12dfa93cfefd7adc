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
