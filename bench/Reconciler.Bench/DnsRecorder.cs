using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reconciler.Bench;

/// <summary>
/// A UDP relay between the reconciler and Knot that writes down every question it relays, in order,
/// as <c>name TYPE</c> lines: the exact query mix the observer sends, for dnsperf to replay.
/// </summary>
public sealed class DnsRecorder : IDisposable
{
    private readonly Socket front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket back = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint upstream;
    private readonly ConcurrentDictionary<ushort, (EndPoint Client, ushort Id)> pending = new();
    private readonly ConcurrentQueue<string> questions = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] loops;
    private int nextId;

    public DnsRecorder(IPEndPoint upstream)
    {
        this.upstream = upstream;
        front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)front.LocalEndPoint!).Port;
        loops = [FrontAsync(stop.Token), BackAsync(stop.Token)];
    }

    public int Port { get; }

    public IReadOnlyCollection<string> Questions => questions;

    public int Truncated { get; private set; }

    public void Dispose()
    {
        stop.Cancel();
        front.Dispose();
        back.Dispose();
        try
        {
            Task.WaitAll(loops, TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        stop.Dispose();
    }

    private async Task FrontAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await front.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var message = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            if (Question(message) is { } question)
            {
                questions.Enqueue(question);
            }

            var id = (ushort)Interlocked.Increment(ref nextId);
            pending[id] = (received.RemoteEndPoint, BinaryPrimitives.ReadUInt16BigEndian(message));
            BinaryPrimitives.WriteUInt16BigEndian(message, id);
            await back.SendToAsync(message, SocketFlags.None, upstream, ct);
        }
    }

    private async Task BackAsync(CancellationToken ct)
    {
        var buffer = new byte[65536];
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await back.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var message = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            if (!pending.TryRemove(BinaryPrimitives.ReadUInt16BigEndian(message), out var client))
            {
                continue;
            }

            if ((message[2] & 0x02) != 0)
            {
                Truncated++;
            }

            BinaryPrimitives.WriteUInt16BigEndian(message, client.Id);
            await front.SendToAsync(message, SocketFlags.None, client.Client, ct);
        }
    }

    /// <summary>The first question as <c>name TYPE</c>, or null when the message is not a plain query.</summary>
    internal static string? Question(ReadOnlySpan<byte> message)
    {
        if (message.Length < 17 || BinaryPrimitives.ReadUInt16BigEndian(message[4..]) == 0)
        {
            return null;
        }

        var name = new StringBuilder();
        var at = 12;
        while (at < message.Length && message[at] != 0)
        {
            var length = message[at];
            if (length > 63 || at + 1 + length >= message.Length)
            {
                return null;
            }

            name.Append(Encoding.ASCII.GetString(message.Slice(at + 1, length)).ToLowerInvariant()).Append('.');
            at += 1 + length;
        }

        if (at + 3 > message.Length)
        {
            return null;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 1)..]);
        var text = type switch
        {
            1 => "A",
            2 => "NS",
            5 => "CNAME",
            6 => "SOA",
            12 => "PTR",
            15 => "MX",
            16 => "TXT",
            28 => "AAAA",
            52 => "TLSA",
            _ => $"TYPE{type}",
        };
        return $"{(name.Length == 0 ? "." : name.ToString())} {text}";
    }
}
