using Polly;
using Polly.Retry;

namespace Reconciler.Report.GitHub;

/// <summary>What to do after a failed GitHub call: give up, back off exponentially, or wait a given time.</summary>
public sealed record RetryDecision(bool Retry, TimeSpan? Wait)
{
    public static RetryDecision No { get; } = new(false, null);

    public static RetryDecision Backoff { get; } = new(true, null);

    public static RetryDecision After(TimeSpan wait) => new(true, wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
}

/// <summary>The Polly pipeline at the GitHub edge; the classifier knows the client's exceptions.</summary>
public static class GitHubResilience
{
    public static ResiliencePipeline Build(GitHubOptions options, Func<Exception, RetryDecision> classify, TimeProvider time)
    {
        var retry = new RetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, options.MaxRetries),
            BackoffType = DelayBackoffType.Exponential,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxWait,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } e && e is not OperationCanceledException && Decide(e, classify, options).Retry),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is { } e ? Decide(e, classify, options).Wait : null),
        };
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        return builder.AddRetry(retry).Build();
    }

    /// <summary>A wait longer than the bound is not waited: the call fails at once.</summary>
    private static RetryDecision Decide(Exception e, Func<Exception, RetryDecision> classify, GitHubOptions options)
    {
        var decision = classify(e);
        return decision.Wait is { } wait && wait > options.MaxWait ? RetryDecision.No : decision;
    }
}
