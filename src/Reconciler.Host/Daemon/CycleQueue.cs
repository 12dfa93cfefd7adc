using System.Threading.Channels;

namespace Reconciler.Host.Daemon;

/// <summary>
/// Requests for a cycle. Capacity one and writers never wait: however many triggers arrive while a
/// cycle runs, exactly one more cycle follows it (the same as <c>DropWrite</c>, but the caller
/// learns whether its request was folded into one already queued).
/// </summary>
public sealed class CycleQueue
{
    private readonly Channel<CycleReason> _channel = Channel.CreateBounded<CycleReason>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Asks for a cycle; false when one is already queued (this request is folded into it).</summary>
    public bool Request(CycleReason reason) => _channel.Writer.TryWrite(reason);

    public ChannelReader<CycleReason> Reader => _channel.Reader;
}
