using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Reconciler.Plan.Output;

namespace Reconciler.Observe;

/// <summary>
/// Recorded live state as JSON (golden cases, snapshots, the daemon's plan memo): the reflection-based
/// serializer with camelCase names, enums in kebab-case and observations as one-property objects
/// (<see cref="ObservationJsonConverterFactory"/>), laid out as plans are (<see cref="PlanJson.WriterOptions"/>).
/// </summary>
public static class LiveJson
{
    /// <summary>Read-only serializer options, indented.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    /// <summary>As <see cref="Options"/>, on one line (for hashing).</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    public static LiveDomain? Read(string json) => JsonSerializer.Deserialize<LiveDomain>(json, Options);

    public static string Serialize(LiveDomain live) => JsonSerializer.Serialize(live, Options);

    private static JsonSerializerOptions Create(bool indented)
    {
        var layout = PlanJson.WriterOptions;
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            IndentCharacter = layout.IndentCharacter,
            IndentSize = layout.IndentSize,
            NewLine = layout.NewLine,
            // Reflection-based metadata (no source-generated contexts); needed before MakeReadOnly.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            Encoder = layout.Encoder,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.Converters.Add(new ObservationJsonConverterFactory());
        options.MakeReadOnly();
        return options;
    }
}
