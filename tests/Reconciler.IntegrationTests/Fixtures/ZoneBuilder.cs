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

        return $"$ORIGIN {Origin}.\n$TTL 300\n@ SOA ns.{Origin}. hostmaster.{Origin}. 1 3600 600 86400 300\n@ NS ns.{Origin}.\nns A 127.0.0.1\n{records}";
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
