using System.Net.Sockets;

namespace Reconciler.Observe.Dns;

/// <summary>The connection a <see cref="TcpChannel"/> holds, and how a broken or idle one is let go.</summary>
internal sealed partial class TcpChannel
{
    /// <summary>
    /// Closes a failed connection (none: no connection could be opened) and fails every query
    /// waiting, as they may have been sent on it; their queued writes go too. Only the first failure
    /// reported for a connection does so: a second one (its reader and its writer both failing, or our
    /// own close waking the reader) would fail queries already waiting on the next connection.
    /// </summary>
    private void Break(Connection? open, Exception e)
    {
        List<PendingQuery> waiting;
        lock (gate)
        {
            if (open is not null && !open.Close())
            {
                return;
            }

            if (open is not null && ReferenceEquals(connection, open))
            {
                connection = null;
            }

            waiting = pending.TakeAll();
            outbox.Clear();
            if (open is not null && waiting.Count > 0 && open.Answered <= 1 && e is EndOfStreamException)
            {
                closedAfterOneAnswer++;
            }
        }

        foreach (var waiter in waiting)
        {
            waiter.Fail(e);
        }
    }

    /// <summary>
    /// After queries timed out: a connection that has answered nothing since the latest of them was
    /// asked (at <paramref name="asked"/>) is taken as dead (a peer or middlebox that dropped it without a word)
    /// and retired, so the retry opens a new one.
    /// </summary>
    private void RetireIfSilent(long asked)
    {
        Connection? open;
        lock (gate)
        {
            open = connection;
        }

        if (open is not null && !open.Broken && open.LastRead < asked)
        {
            Retire(open);
        }
    }

    /// <summary>Closes a connection and forgets it, failing no query (its reader's failure is then ignored).</summary>
    private void Retire(Connection open)
    {
        lock (gate)
        {
            if (ReferenceEquals(connection, open))
            {
                connection = null;
            }
        }

        open.Close();
    }

    private sealed class Connection(Socket socket)
    {
        private int closed;

        public Socket Socket { get; } = socket;

        /// <summary>When the last query was written or the last answer read (a <see cref="TimeProvider"/> timestamp).</summary>
        public long LastActive { get; set; }

        /// <summary>When the last answer was read (zero: none yet).</summary>
        public long LastRead { get; set; }

        /// <summary>Answers read on this connection.</summary>
        public int Answered { get; set; }

        public bool Broken => Volatile.Read(ref closed) != 0;

        /// <summary>The timer of <see cref="TcpChannel.AckNudge"/>, stopped with the connection.</summary>
        public ITimer? AckNudge { get; set; }

        /// <summary>Closes the socket; true for the call that did it.</summary>
        public bool Close()
        {
            if (Interlocked.Exchange(ref closed, 1) != 0)
            {
                return false;
            }

            AckNudge?.Dispose();
            Socket.Dispose();
            return true;
        }
    }
}
