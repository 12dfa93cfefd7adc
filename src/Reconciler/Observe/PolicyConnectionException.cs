namespace Reconciler.Observe;

/// <summary>Raised by the policy fetcher's connect step when TLS refused the host (decided, never retried).</summary>
public sealed class PolicyConnectionException : Exception
{
    public PolicyConnectionException()
    {
    }

    public PolicyConnectionException(string message)
        : base(message)
    {
    }

    public PolicyConnectionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PolicyFailure Failure { get; init; } = PolicyFailure.Tls;
}
