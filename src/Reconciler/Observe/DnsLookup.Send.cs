using DnsClient;
using Reconciler.Observe.Dns;

namespace Reconciler.Observe;

/// <summary>Sending a query that is not in the memo, and what its reply decides.</summary>
internal sealed partial class DnsLookup
{
    /// <summary>Sends one query and completes <paramref name="promise"/> with its outcome (never throws: see <see cref="DnsMemo.GetOrAdd"/>).</summary>
    private async Task SendAsync(string name, QueryType type, TaskCompletionSource<RawAnswer> promise, CancellationToken ct)
    {
        counters.CountDnsQuery();
        try
        {
            await memo.InFlight.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            promise.TrySetCanceled(ct);
            return;
        }
        catch (Exception e)
        {
            promise.SetException(e);
            return;
        }

        // The promise is completed only after the in-flight slot is released: lookups waiting on it
        // may run inline and ask again.
        DnsReply? reply = null;
        string? failure = null;
        try
        {
            reply = await transport.QueryAsync(name, type, ct).ConfigureAwait(false);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Cancelled, not answered: the run is over.
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name} asking {Servers} for {name} {type}: {e.Message}";
        }
        finally
        {
            memo.InFlight.Release();
        }

        if (reply is not { } answered)
        {
            if (failure is null)
            {
                promise.TrySetCanceled(ct);
            }
            else
            {
                promise.SetResult(new RawAnswer([], false, failure, Servers));
            }

            return;
        }

        try
        {
            promise.SetResult(Interpret(answered, name, type));
        }
        catch (Exception e)
        {
            promise.TrySetException(e);
        }
    }

    /// <summary>A reply as Found / Absent records, or why it decides nothing.</summary>
    private RawAnswer Interpret(DnsReply reply, string name, QueryType type)
    {
        if (reply.Message is not { } response)
        {
            return new RawAnswer([], false, reply.Error ?? $"no answer from {reply.Server} for {name} {type}", reply.Server);
        }

        var server = reply.Server;
        if (!response.IsResponse)
        {
            // QR clear: our own query came back (a socket talking to itself), not an answer.
            return Failed($"not a DNS response (QR bit clear) from {server} for {name} {type}");
        }

        var code = response.ResponseCode;
        if (code is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain
            && !RepeatsQuestion(response, name, type))
        {
            // A conclusion ("no such record") only from an answer to this very question; anything else is undecided.
            return new RawAnswer([], false, $"answer from {server} does not repeat the question {name} {type}", server);
        }

        if (!transport.Recursion && !response.Authoritative && response.Answers.Count == 0
            && code is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain)
        {
            // Asked without recursion, a server that is not authoritative (a referral to a delegated
            // zone, a lame server) says nothing about the name: no conclusion from it.
            return new RawAnswer([], false, $"{server} is not authoritative for {name} {type} (a referral or a lame server)", server);
        }

        return code switch
        {
            DnsHeaderResponseCode.NoError => new RawAnswer(response.Answers, false, null, server),
            DnsHeaderResponseCode.NotExistentDomain => new RawAnswer(response.Answers, true, null, server),
            _ => new RawAnswer([], false, $"{CodeName(code)} from {server} for {name} {type}", server),
        };

        RawAnswer Failed(string reason) => new([], false, reason, Servers);
    }

    private static string CodeName(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.Refused => "REFUSED",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        DnsHeaderResponseCode.NotAuthorized => "NOTAUTH",
        DnsHeaderResponseCode.NotZone => "NOTZONE",
        _ => $"RCODE {(int)code}",
    };

    private static bool RepeatsQuestion(DnsMessage response, string name, QueryType type)
    {
        var questions = response.Questions;
        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            if (question.Type == type && question.Class == QueryClass.IN && SameName(question.Name, name))
            {
                return true;
            }
        }

        return false;
    }
}
