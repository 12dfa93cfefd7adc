using System.Text;
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

    /// <summary>
    /// One domain's entry as it stands in a plan document, with the line break and indentation before
    /// it (a raw value gets none from the writer), made while the rest of the fleet is still observed,
    /// so writing the plan is only copying.
    /// </summary>
    public static byte[] Piece(DomainPlan plan)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(plan, Options);
        // The entry sits two levels deep ({ "domains": [ entry ] }): it starts on a new line and each of
        // its lines moves right by two indentation steps. JSON strings hold no raw line break, so every
        // one in the entry is layout.
        var breakAndIndent = Encoding.UTF8.GetBytes(Options.NewLine + new string(Options.IndentCharacter, 2 * Options.IndentSize));
        var newLine = Encoding.UTF8.GetBytes(Options.NewLine);
        var piece = new List<byte>(json.Length + ((json.AsSpan().Count(newLine) + 1) * breakAndIndent.Length));
        piece.AddRange(breakAndIndent);
        var rest = json.AsSpan();
        for (var at = rest.IndexOf(newLine); at >= 0; at = rest.IndexOf(newLine))
        {
            piece.AddRange(rest[..at]);
            piece.AddRange(breakAndIndent);
            rest = rest[(at + newLine.Length)..];
        }

        piece.AddRange(rest);
        return [.. piece];
    }

    /// <summary>
    /// Writes <paramref name="plan"/> exactly as <see cref="WriteAsync(Stream, ReconcilePlan, CancellationToken)"/>
    /// does, taking each domain's entry from <paramref name="pieces"/> (made by <see cref="Piece"/>) when there.
    /// </summary>
    public static async Task WriteAsync(Stream output, ReconcilePlan plan, IReadOnlyDictionary<DomainPlan, byte[]> pieces, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pieces);
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = Options.WriteIndented,
            IndentCharacter = Options.IndentCharacter,
            IndentSize = Options.IndentSize,
            NewLine = Options.NewLine,
            Encoder = Options.Encoder,
        });
        writer.WriteStartObject();
        writer.WriteNumber(Name(nameof(ReconcilePlan.Version)), plan.Version);
        writer.WriteStartArray(Name(nameof(ReconcilePlan.Domains)));
        foreach (var domain in plan.Domains)
        {
            if (pieces.TryGetValue(domain, out var piece))
            {
                writer.WriteRawValue(piece, skipInputValidation: true);
            }
            else
            {
                JsonSerializer.Serialize(writer, domain, Options);
            }

            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(ct).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WritePropertyName(Name(nameof(ReconcilePlan.Summary)));
        JsonSerializer.Serialize(writer, plan.Summary, Options);
        writer.WriteEndObject();
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    public static string Serialize(DomainPlan plan) => JsonSerializer.Serialize(plan, Options);

    public static ReconcilePlan? ReadPlan(string json) => JsonSerializer.Deserialize<ReconcilePlan>(json, Options);

    public static LiveDomain? ReadLive(string json) => JsonSerializer.Deserialize<LiveDomain>(json, Options);

    public static string Serialize(LiveDomain live) => JsonSerializer.Serialize(live, Options);

    private static string Name(string property) => Options.PropertyNamingPolicy?.ConvertName(property) ?? property;

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
