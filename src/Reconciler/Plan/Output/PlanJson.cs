using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Reconciler.Observe;

namespace Reconciler.Plan.Output;

/// <summary>
/// The contract JSON of a plan (<c>plan --format json</c>): camelCase names, enums in kebab-case
/// (<c>in-sync</c>, <c>mismatch</c>), documented in <c>schemas/plan.schema.json</c>.
/// </summary>
public static class PlanJson
{
    /// <summary>Read-only serializer options for plans and recorded live state.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    public static Task WriteAsync(Stream output, ReconcilePlan plan, CancellationToken ct) =>
        JsonSerializer.SerializeAsync(output, plan, Options, ct);

    public static string Serialize(ReconcilePlan plan) => JsonSerializer.Serialize(plan, Options);

    public static string Serialize(DomainPlan plan) => JsonSerializer.Serialize(plan, Options);

    public static ReconcilePlan? ReadPlan(string json) => JsonSerializer.Deserialize<ReconcilePlan>(json, Options);

    public static LiveDomain? ReadLive(string json) => JsonSerializer.Deserialize<LiveDomain>(json, Options);

    public static string Serialize(LiveDomain live) => JsonSerializer.Serialize(live, Options);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            // Reflection-based metadata (no source-generated contexts); needed before MakeReadOnly.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.Converters.Add(new ObservationJsonConverterFactory());
        options.MakeReadOnly();
        return options;
    }
}
