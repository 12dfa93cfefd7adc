using System.Buffers;

namespace Reconciler.Observe.Dns;

/// <summary>
/// One query waiting for its answer: completes with the answer (in an array rented from
/// <see cref="ArrayPool{T}.Shared"/>, which the awaiting side returns), fails (timeout, broken
/// connection) or is cancelled. Continuations run asynchronously, never on a socket's read loop.
/// </summary>
internal sealed class PendingQuery(PendingQueries owner, long asked, CancellationToken ct)
    : TaskCompletionSource<ArraySegment<byte>>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    /// <summary>The id it was sent under.</summary>
    public ushort Id { get; set; }

    /// <summary>When it was asked (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Asked { get; } = asked;

    /// <summary>Taken out of its <see cref="PendingQueries"/> (under its lock): answered, timed out, failed or cancelled.</summary>
    public bool Settled { get; set; }

    public CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>Hands over a copy of <paramref name="answer"/> (after <see cref="PendingQueries.Take"/>).</summary>
    public void Answer(ReadOnlySpan<byte> answer)
    {
        Cancellation.Unregister();
        var copy = ArrayPool<byte>.Shared.Rent(answer.Length);
        answer.CopyTo(copy);
        if (!TrySetResult(new ArraySegment<byte>(copy, 0, answer.Length)))
        {
            // Cancelled at the same instant: nobody will read it.
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Fails it (after it was taken out).</summary>
    public void Fail(Exception e)
    {
        Cancellation.Unregister();
        TrySetException(e);
    }

    /// <summary>The cancellation callback: cancels it and forgets it.</summary>
    public void Cancel()
    {
        if (TrySetCanceled(ct))
        {
            owner.Forget(this);
        }
    }
}
