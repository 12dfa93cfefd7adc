using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Reconciler.Observe;

namespace Reconciler.Host.Commands;

/// <summary>
/// The observation options shared by <c>plan</c>, <c>reconcile</c> and <c>run</c>: <c>--dns HOST[:PORT]</c>
/// (repeatable), <c>--authoritative</c>, <c>--policy-port N</c>, <c>--ca-file PEM</c>, <c>--concurrency N</c>,
/// <c>--timeout SECONDS</c>, <c>--dns-protocol tcp|udp</c>; bound to <see cref="LiveObserverOptions"/>.
/// </summary>
public sealed class ObserveOptions
{
    public Option<string[]> Dns { get; } = new("--dns")
    {
        Description = "A resolver to ask, HOST[:PORT] (repeatable; IPv6 as [::1]:53). Default: the system's resolvers.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> Authoritative { get; } = new("--authoritative")
    {
        Description = "Ask each of the domain's own NS servers directly and report when they disagree.",
    };

    public Option<int> PolicyPort { get; } = new("--policy-port")
    {
        Description = "The HTTPS port of the MTA-STS policy hosts (default 443).",
        DefaultValueFactory = _ => 443,
    };

    public Option<string?> CaFile { get; } = new("--ca-file")
    {
        Description = "A PEM file of extra trusted root certificates for the policy fetch.",
    };

    public Option<int> Concurrency { get; } = new("--concurrency")
    {
        Description = "How many domains are observed at once (1-1024, default 64).",
        DefaultValueFactory = _ => 64,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for one DNS answer, or to connect to a policy host and fetch its policy (default 5).",
        DefaultValueFactory = _ => 5,
    };

    public Option<Observe.Dns.DnsProtocol> DnsProtocol { get; } = new("--dns-protocol")
    {
        Description = "How the resolvers are asked: tcp (one pipelined connection each; UDP for one that refuses TCP) or udp (TCP only for a truncated answer). Default: tcp.",
        DefaultValueFactory = _ => Observe.Dns.DnsProtocol.Tcp,
        CustomParser = r => r.Tokens.Single().Value.ToLowerInvariant() switch
        {
            "tcp" => Observe.Dns.DnsProtocol.Tcp,
            "udp" => Observe.Dns.DnsProtocol.Udp,
            var other => Fail(r, other),
        },
    };

    public ObserveOptions()
    {
        PolicyPort.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                r.AddError("--policy-port must be 1-65535");
            }
        });
        Concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
            {
                r.AddError("--concurrency must be 1-1024");
            }
        });
        Timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 600 or double.NaN)
            {
                r.AddError("--timeout must be more than 0 and at most 600 seconds");
            }
        });
        Dns.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (!TryParseEndpoint(value, out _, out var host, out var error) && host is null)
                {
                    r.AddError($"--dns {value}: {error}");
                }
            }
        });
        CaFile.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && LiveObserverOptions.CheckCaFile(path) is { } problem)
            {
                r.AddError($"--ca-file {path}: {problem}");
            }
        });
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Dns);
        command.Options.Add(Authoritative);
        command.Options.Add(PolicyPort);
        command.Options.Add(CaFile);
        command.Options.Add(Concurrency);
        command.Options.Add(Timeout);
        command.Options.Add(DnsProtocol);
    }

    /// <summary>
    /// The resolver endpoints written as <c>address[:port]</c> or <c>host[:port]</c> (host names resolved
    /// here, the first address taken). A value that is malformed or does not resolve is an
    /// <see cref="ArgumentException"/> naming <paramref name="option"/> and the value.
    /// </summary>
    public static async Task<List<IPEndPoint>> ResolveAsync(IEnumerable<string> values, string option, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        var resolvers = new List<IPEndPoint>();
        foreach (var value in values)
        {
            if (TryParseEndpoint(value, out var endpoint, out var host, out var error))
            {
                resolvers.Add(endpoint!);
            }
            else if (host is not null)
            {
                IPAddress[] addresses;
                try
                {
                    addresses = await System.Net.Dns.GetHostAddressesAsync(host.Value.Name, ct).ConfigureAwait(false);
                }
                catch (System.Net.Sockets.SocketException e)
                {
                    throw new ArgumentException($"{option} {value}: {host.Value.Name} could not be resolved ({e.Message}); give the resolver's address, e.g. 192.0.2.53 or [2001:db8::53]:53", e);
                }

                var address = addresses.FirstOrDefault() ?? throw new ArgumentException($"{option} {value}: {host.Value.Name} has no address");
                resolvers.Add(new IPEndPoint(address, host.Value.Port));
            }
            else
            {
                throw new ArgumentException($"{option} {value}: {error}");
            }
        }

        return resolvers;
    }

    /// <summary>The observer options from a parse result; resolver host names are resolved here.</summary>
    public async Task<LiveObserverOptions> BindAsync(ParseResult parseResult, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var resolvers = await ResolveAsync(parseResult.GetValue(Dns) ?? [], "--dns", ct).ConfigureAwait(false);

        return new LiveObserverOptions
        {
            Resolvers = resolvers,
            Authoritative = parseResult.GetValue(Authoritative),
            PolicyPort = parseResult.GetValue(PolicyPort),
            CaFile = parseResult.GetValue(CaFile),
            Concurrency = parseResult.GetValue(Concurrency),
            Timeout = TimeSpan.FromSeconds(parseResult.GetValue(Timeout)),
            ConnectTimeout = TimeSpan.FromSeconds(parseResult.GetValue(Timeout)),
            DnsProtocol = parseResult.GetValue(DnsProtocol),
            // One run per process: a policy kept for a later run would only be held until exit.
            PolicyCadence = TimeSpan.Zero,
        };
    }

    /// <summary>
    /// Parses <c>HOST[:PORT]</c>: an IP address gives <paramref name="endpoint"/>; a host name gives
    /// <paramref name="host"/> (resolved later); anything else an <paramref name="error"/>.
    /// </summary>
    internal static bool TryParseEndpoint(string value, out IPEndPoint? endpoint, out (string Name, int Port)? host, out string? error)
    {
        endpoint = null;
        host = null;
        error = null;
        var text = value.Trim();
        var port = 53;
        string address;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && (text[close + 1] != ':' || !TryPort(text[(close + 2)..], out port))))
            {
                error = "expected [IPv6]:PORT";
                return false;
            }

            address = text[1..close];
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (!TryPort(text[(colon + 1)..], out port))
            {
                error = "the port must be 1-65535";
                return false;
            }

            address = text[..colon];
        }
        else
        {
            address = text;
        }

        if (IPAddress.TryParse(address, out var ip) && (ip.AddressFamily == AddressFamily.InterNetwork || ip.AddressFamily == AddressFamily.InterNetworkV6))
        {
            endpoint = new IPEndPoint(ip, port);
            return true;
        }

        if (Records.DnsName.TryNormalizeHost(address, out var name, out _) || address == "localhost")
        {
            host = (address == "localhost" ? address : name, port);
            error = "a host name (resolved at start)";
            return false;
        }

        error = "expected an IP address or host name, optionally with :PORT";
        return false;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    private static Observe.Dns.DnsProtocol Fail(System.CommandLine.Parsing.ArgumentResult result, string value)
    {
        result.AddError($"--dns-protocol {value}: use tcp or udp");
        return Observe.Dns.DnsProtocol.Tcp;
    }
}
