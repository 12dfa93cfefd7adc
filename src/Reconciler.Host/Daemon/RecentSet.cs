namespace Reconciler.Host.Daemon;

/// <summary>A bounded, thread-safe set of recently seen keys (oldest forgotten first).</summary>
internal sealed class RecentSet(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>Adds the key; false when it was already there.</summary>
    public bool Add(string key)
    {
        lock (_gate)
        {
            if (!_set.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
