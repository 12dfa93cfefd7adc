using System.Text;

namespace Reconciler.IntegrationTests.Fixtures;

/// <summary>
/// Builds a zone file for <see cref="KnotServer"/>. Names are relative to the origin ("@" is the
/// apex) or absolute with a trailing dot. <see cref="Broken"/> makes a zone Knot fails to load,
/// which Knot then answers with SERVFAIL.
/// </summary>
public sealed class ZoneBuilder(string origin)
{
    private readonly StringBuilder records = new();
    private (string Host, string Address)[] nameServers = [];

    public string Origin { get; } = origin.TrimEnd('.');

    public bool IsBroken { get; private set; }

    public ZoneBuilder Add(string name, string type, string data)
    {
        records.Append(name).Append(' ').Append(type).Append(' ').Append(data).Append('\n');
        return this;
    }

    /// <summary>One TXT record made of the given strings (quoted and escaped here).</summary>
    public ZoneBuilder Txt(string name, params string[] strings) =>
        Add(name, "TXT", string.Join(" ", strings.Select(Quote)));

    /// <summary>One TXT record, split into 255-byte strings as a DNS operator must.</summary>
    public ZoneBuilder TxtSplit(string name, string value) => Txt(name, value.Chunk(255).Select(c => new string(c)).ToArray());

    public ZoneBuilder Mx(string name, int preference, string host) => Add(name, "MX", $"{preference} {host}");

    public ZoneBuilder A(string name, string address) => Add(name, "A", address);

    public ZoneBuilder Aaaa(string name, string address) => Add(name, "AAAA", address);

    public ZoneBuilder Cname(string name, string target) => Add(name, "CNAME", target);

    public ZoneBuilder Tlsa(string name, int usage, int selector, int matching, string hex) =>
        Add(name, "TLSA", $"{usage} {selector} {matching} {hex}");

    /// <summary>Replaces the default NS (ns.origin at 127.0.0.1) with these hosts under the origin and their addresses.</summary>
    public ZoneBuilder NameServers(params (string Host, string Address)[] servers)
    {
        nameServers = servers;
        return this;
    }

    public ZoneBuilder Broken()
    {
        IsBroken = true;
        return this;
    }

    public string Render()
    {
        if (IsBroken)
        {
            return "this is not a zone file\n";
        }

        var servers = nameServers.Length > 0 ? nameServers : [("ns", "127.0.0.1")];
        var ns = string.Concat(servers.Select(s => $"@ NS {s.Host}.{Origin}.\n{s.Host} A {s.Address}\n"));
        return $"$ORIGIN {Origin}.\n$TTL 300\n@ SOA {servers[0].Host}.{Origin}. hostmaster.{Origin}. 1 3600 600 86400 300\n{ns}{records}";
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
