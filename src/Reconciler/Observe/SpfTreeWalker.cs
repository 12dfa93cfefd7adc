using DnsClient;
using Reconciler.Records;

namespace Reconciler.Observe;

/// <summary>
/// Walks the apex SPF record's include/redirect tree (RFC 7208 §4.6.4): counts the DNS-querying
/// terms (include, a, mx, ptr, exists, redirect; limit 10) and void lookups (limit 2), performs the
/// lookups a/mx/exists need to detect voids, skips macro-bearing domain-specs (still counted),
/// reports loops and includes without an SPF record, and stops past <see cref="StopAfter"/> lookups.
/// Any lookup that cannot be decided makes the whole tree Unknown.
/// </summary>
internal sealed class SpfTreeWalker(DnsLookup dns, SpfParseMemo? memo = null)
{
    public const int LookupLimit = 10;
    public const int VoidLimit = 2;
    public const int StopAfter = 20;

    private readonly List<string> problems = [];
    private int lookups;
    private int voids;

    /// <summary>Absent when the apex has no SPF record; Unknown when the apex or any lookup was undecided.</summary>
    public async Task<Observation<SpfTree>> WalkAsync(string domain, Observation<IReadOnlyList<string>> apexTxt, CancellationToken ct)
    {
        switch (apexTxt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                return new Unknown<SpfTree>(unknown.Reason);
            case Absent<IReadOnlyList<string>> absent:
                return new Absent<SpfTree>(absent.Kind);
        }

        var records = ((Found<IReadOnlyList<string>>)apexTxt).Value.Where(SpfRecord.IsSpf).ToList();
        if (records.Count == 0)
        {
            return new Absent<SpfTree>(AbsenceKind.NoData);
        }

        if (records.Count > 1)
        {
            problems.Add($"{records.Count} SPF records at {domain}; exactly one is allowed");
        }

        try
        {
            await WalkRecordAsync(domain, records[0], [domain], ct).ConfigureAwait(false);
        }
        catch (SpfUndecidedException e)
        {
            return new Unknown<SpfTree>(e.Message);
        }

        if (lookups > LookupLimit)
        {
            problems.Add($"{lookups} DNS lookups; at most {LookupLimit} are allowed");
        }

        if (voids > VoidLimit)
        {
            problems.Add($"{voids} void lookups; at most {VoidLimit} are allowed");
        }

        return new Found<SpfTree>(new SpfTree(lookups, voids, problems.ToList()));
    }

    private async Task WalkRecordAsync(string domain, string text, IReadOnlyList<string> path, CancellationToken ct)
    {
        // An included or redirected-to record is usually shared by many domains: parsed once per run.
        var parsed = path.Count > 1 && memo is not null ? memo.Parse(text) : SpfRecord.Parse(text);
        if (parsed.Value is null)
        {
            var why = parsed.Problems.FirstOrDefault(p => p.Severity != Severity.Warning)?.Message ?? "syntax error";
            problems.Add($"the SPF record at {domain} is invalid: {why}");
            return;
        }

        var terms = parsed.Value.Terms;
        var hasAll = terms.Any(t => t.Name == "all" && !t.IsModifier);
        foreach (var term in terms)
        {
            if (lookups > StopAfter)
            {
                if (!problems.Contains(StoppedProblem))
                {
                    problems.Add(StoppedProblem);
                }

                return;
            }

            switch (term.Name)
            {
                case "include" when !term.IsModifier:
                    lookups++;
                    await FollowAsync("include", term.Value, path, ct).ConfigureAwait(false);
                    break;
                case "a" when !term.IsModifier:
                    lookups++;
                    await VoidCheckAsync(DomainOf(term.Value, domain), Target.Addresses, ct).ConfigureAwait(false);
                    break;
                case "mx" when !term.IsModifier:
                    lookups++;
                    await VoidCheckAsync(DomainOf(term.Value, domain), Target.Mx, ct).ConfigureAwait(false);
                    break;
                case "exists" when !term.IsModifier:
                    lookups++;
                    await VoidCheckAsync(term.Value, Target.A, ct).ConfigureAwait(false);
                    break;
                case "ptr" when !term.IsModifier:
                    lookups++;
                    break;
            }
        }

        var redirect = terms.FirstOrDefault(t => t.IsModifier && t.Name == "redirect");
        if (redirect is not null && !hasAll && lookups <= StopAfter)
        {
            lookups++;
            await FollowAsync("redirect", redirect.Value, path, ct).ConfigureAwait(false);
        }
    }

    private const string StoppedProblem = "more than 20 DNS lookups; stopped walking";

    private async Task FollowAsync(string kind, string? spec, IReadOnlyList<string> path, CancellationToken ct)
    {
        if (spec is null || HasMacro(spec))
        {
            return;
        }

        var target = DnsName.Normalize(StripCidr(spec));
        if (path.Contains(target, StringComparer.Ordinal))
        {
            problems.Add($"SPF loop: {string.Join(" -> ", path)} -> {target}");
            return;
        }

        var txt = await dns.TxtAsync(target, ct).ConfigureAwait(false);
        switch (txt)
        {
            case Unknown<IReadOnlyList<string>> unknown:
                throw new SpfUndecidedException(unknown.Reason);
            case Absent<IReadOnlyList<string>> absent:
                voids++;
                problems.Add($"{kind}:{target} has no SPF record ({(absent.Kind == AbsenceKind.NxDomain ? "NXDOMAIN" : "no TXT")})");
                return;
        }

        var records = ((Found<IReadOnlyList<string>>)txt).Value.Where(SpfRecord.IsSpf).ToList();
        if (records.Count == 0)
        {
            problems.Add($"{kind}:{target} has no SPF record");
            return;
        }

        if (records.Count > 1)
        {
            problems.Add($"{kind}:{target} has {records.Count} SPF records");
        }

        await WalkRecordAsync(target, records[0], [.. path, target], ct).ConfigureAwait(false);
    }

    private async Task VoidCheckAsync(string? spec, Target target, CancellationToken ct)
    {
        if (spec is null || HasMacro(spec))
        {
            return;
        }

        var name = DnsName.Normalize(StripCidr(spec));
        var result = target == Target.Addresses
            ? (await dns.AddressesAsync(name, ct).ConfigureAwait(false)).Map(r => r.Count)
            : (await dns.ResolveAsync(name, target == Target.Mx ? QueryType.MX : QueryType.A, ct).ConfigureAwait(false)).Records.Map(r => r.Count);
        switch (result)
        {
            case Unknown<int> unknown:
                throw new SpfUndecidedException(unknown.Reason);
            case Absent<int>:
                voids++;
                break;
        }
    }

    /// <summary>The domain-spec of a/mx: the value without its CIDR suffix, or the current domain when only a CIDR was written.</summary>
    private static string DomainOf(string? value, string domain)
    {
        var spec = value is null ? "" : StripCidr(value);
        return spec.Length == 0 ? domain : spec;
    }

    private static bool HasMacro(string spec) => spec.Contains('%', StringComparison.Ordinal);

    private static string StripCidr(string spec)
    {
        var slash = spec.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? spec[..slash] : spec;
    }

    /// <summary>
    /// What a term looks up to detect a void: 'a' may match either family, so it is void only when A
    /// and AAAA both are; 'exists' asks A only (RFC 7208 §5.7); 'mx' asks MX.
    /// </summary>
    private enum Target
    {
        Addresses,
        A,
        Mx,
    }

    private sealed class SpfUndecidedException(string reason) : Exception(reason);
}

/// <summary>The SPF records of included and redirected-to domains parsed in one observation run, by text.</summary>
internal sealed class SpfParseMemo
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParseResult<SpfRecord>> parses = new(StringComparer.Ordinal);

    public ParseResult<SpfRecord> Parse(string text) => parses.GetOrAdd(text, SpfRecord.Parse);
}
