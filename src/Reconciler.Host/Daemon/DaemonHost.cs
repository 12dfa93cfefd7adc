using System.Globalization;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reconciler.Sources;

namespace Reconciler.Host.Daemon;

/// <summary>
/// Builds the daemon: a <see cref="WebApplication"/> with the reconcile loop, the revision watcher,
/// leader election (when enabled), probes, metrics and the webhook. The cycle itself comes from
/// <paramref name="runnerFactory"/>; tests pass their own, and may replace any service (a
/// <see cref="TimeProvider"/>, an <see cref="IDesiredSource"/>, an <see cref="IKubernetes"/>) through
/// <paramref name="configureServices"/>, which runs before the defaults are added.
/// </summary>
public static class DaemonHost
{
    public const string DefaultUrls = "http://0.0.0.0:8080";

    public static WebApplication Build(
        string[] args,
        IEnumerable<KeyValuePair<string, string?>> overrides,
        Func<IServiceProvider, ICycleRunner> runnerFactory,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(runnerFactory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var given = overrides.ToList();
        builder.Configuration.AddInMemoryCollection(given);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var services = builder.Services;
        configureServices?.Invoke(services);

        services.AddOptions<ReconcilerOptions>()
            .Bind(WithListsReplaced(builder.Configuration, given).GetSection(ReconcilerOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconcilerOptions>, ReconcilerOptionsValidator>();
        services.AddOptions<HostOptions>().Configure<IOptions<ReconcilerOptions>>((host, reconciler) => host.ShutdownTimeout = reconciler.Value.ShutdownTimeout);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => DaemonSecrets.From(builder.Configuration, sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value));
        services.TryAddSingleton<DaemonState>();
        services.TryAddSingleton<DaemonMetrics>();
        services.TryAddSingleton<CycleQueue>();
        services.TryAddSingleton<GitHubWebhook>();
        services.TryAddSingleton(runnerFactory);
        services.TryAddSingleton(CreateSource);
        services.AddHttpClient();

        var election = builder.Configuration.GetSection(ReconcilerOptions.Section).GetSection("LeaderElection").GetValue<bool>("Enabled");
        if (election)
        {
            services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesConfiguration()));
            services.AddSingleton<LeaderElection>();
            services.AddHostedService(sp => sp.GetRequiredService<LeaderElection>());
        }

        // Stopped in reverse order: the loop finishes its cycle before the lease is released.
        services.AddHostedService<RevisionWatcher>();
        services.AddSingleton<ReconcilerService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReconcilerService>());

        var app = builder.Build();
        app.MapDaemonEndpoints();
        return app;
    }

    /// <summary>
    /// The configuration to bind the options from, in which a list given in the overrides (<c>--dns</c>,
    /// <c>--domain</c>: keys <c>LIST:0</c>, <c>LIST:1</c>...) replaces the configured list instead of
    /// merging with it by index: the configured entries past the given ones (appsettings.json's second
    /// resolver when one was given) are left out.
    /// </summary>
    private static IConfiguration WithListsReplaced(ConfigurationManager configuration, List<KeyValuePair<string, string?>> overrides)
    {
        var givenKeys = overrides.Select(o => o.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lists = givenKeys
            .Select(key => (Key: key, Colon: key.LastIndexOf(':')))
            .Where(k => k.Colon > 0 && int.TryParse(k.Key.AsSpan(k.Colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(k => k.Key[..k.Colon])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (lists.Count == 0)
        {
            return configuration;
        }

        var replaced = lists
            .SelectMany(list => configuration.GetSection(list).AsEnumerable())
            .Select(entry => entry.Key)
            .Where(key => !lists.Contains(key) && !givenKeys.Contains(key))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable().Where(entry => !replaced.Contains(entry.Key)))
            .Build();
    }

    /// <summary>In the cluster the pod's service account; elsewhere the kubeconfig. Fails start with the key named.</summary>
    private static KubernetesClientConfiguration KubernetesConfiguration()
    {
        try
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new InvalidOperationException(
                $"Reconciler:LeaderElection:Enabled is true but there is no Kubernetes API configuration (in-cluster service account or kubeconfig): {e.Message}", e);
        }
    }

    private static IDesiredSource CreateSource(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ReconcilerOptions>>().Value;
        var desired = options.Desired;
        if (!string.IsNullOrWhiteSpace(desired.Directory))
        {
            return new DirectorySource(desired.Directory);
        }

        var parts = desired.GitHubRepo!.Split('/');
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(GitHubApiSource));
        var secrets = services.GetRequiredService<DaemonSecrets>();
        return new GitHubApiSource(http, new GitHubApiLocation(new Uri(options.GitHub.Api), parts[0], parts[1], desired.Branch), secrets.GitHubToken);
    }
}
