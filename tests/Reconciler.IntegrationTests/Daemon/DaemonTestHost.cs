using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Reconciler.Host.Daemon;
using Reconciler.Sources;

namespace Reconciler.IntegrationTests.Daemon;

/// <summary>The real daemon host on 127.0.0.1 with a free port, a recording runner and a fake clock.</summary>
internal sealed class DaemonTestHost : IAsyncDisposable
{
    public const string Secret = "s3cr3t-webhook-value-7f1d";

    private DaemonTestHost(WebApplication app, RecordingRunner runner, FakeTimeProvider time, LogCapture logs, FixedSource source)
    {
        App = app;
        Runner = runner;
        Time = time;
        Logs = logs;
        Source = source;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public RecordingRunner Runner { get; }

    public FakeTimeProvider Time { get; }

    public LogCapture Logs { get; }

    public FixedSource Source { get; }

    public HttpClient Client { get; }

    public DaemonState State => App.Services.GetRequiredService<DaemonState>();

    public CycleQueue Queue => App.Services.GetRequiredService<CycleQueue>();

    public static Dictionary<string, string?> BaseSettings() => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Reconciler:Desired:Directory"] = Path.GetTempPath(),
        ["Reconciler:Interval"] = "00:05:00",
        ["Reconciler:PollInterval"] = "00:01:00",
        ["GITHUB_WEBHOOK_SECRET"] = Secret,
        ["GITHUB_TOKEN"] = "ghp_token_never_logged_0123456789",
        ["Logging:LogLevel:Default"] = "Information",
    };

    public static async Task<DaemonTestHost> StartAsync(Dictionary<string, string?>? settings = null, Action<RecordingRunner>? prepare = null)
    {
        var source = new FixedSource();

        // A cycle loads what the source holds, as the real one does: a test that moves the source leaves
        // the revision watcher quiet once a cycle has run, instead of asking for cycles in later tests.
        var runner = new RecordingRunner { Outcome = _ => Outcomes.Loaded(source.Revision) };
        prepare?.Invoke(runner);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var logs = new LogCapture();
        var app = DaemonHost.Build([], settings ?? BaseSettings(), _ => runner, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton<IDesiredSource>(source);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        await app.StartAsync();
        return new DaemonTestHost(app, runner, time, logs, source);
    }

    public static string Sign(byte[] body, string secret = Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static byte[] PushBody(string gitRef, string after) =>
        Encoding.UTF8.GetBytes($$"""{"ref":"{{gitRef}}","before":"0000000000000000000000000000000000000000","after":"{{after}}","deleted":false,"repository":{"full_name":"acme/mail-config"} }""");

    public Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string? signature, string eventName = "push", string? delivery = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        return Client.SendAsync(request);
    }

    public async Task WaitForFirstCycleAsync()
    {
        await Runner.WaitForStartsAsync(1);
        await State.WaitForCyclesAsync(1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Waits until every started cycle has finished and no cycle is queued behind them.</summary>
    public async Task WaitIdleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Queue.Reader.Count > 0 || State.CompletedCycles < Runner.Started)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"A cycle is still queued or running: {Runner.Started} started, {State.CompletedCycles} finished");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Runner.Release();
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A desired source whose revision the test sets.</summary>
internal sealed class FixedSource : IDesiredSource
{
    private volatile string _revision = "rev-1";

    public string Revision => _revision;

    public void MoveTo(string revision) => _revision = revision;

    public string Describe() => "fixed";

    public Task<string?> GetRevisionAsync(CancellationToken ct) => Task.FromResult<string?>(_revision);

    public Task<DesiredSnapshot> ReadAsync(CancellationToken ct) => Task.FromResult(new DesiredSnapshot(_revision, []));
}

/// <summary>Captures every log line with its exception and structured values.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public string All => string.Join("\n", Lines);

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
