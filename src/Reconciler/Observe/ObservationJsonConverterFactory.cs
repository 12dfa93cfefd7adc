using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reconciler.Observe;

/// <summary>
/// Reads and writes <see cref="Observation{T}"/> as one-property objects:
/// <c>{"found": value}</c>, <c>{"absent": "nxdomain"}</c> (or <c>"nodata"</c>), <c>{"unknown": "reason"}</c>.
/// Used for recorded live state (golden cases, snapshots).
/// </summary>
public sealed class ObservationJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Observation<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        var valueType = typeToConvert.GetGenericArguments()[0];
        return (JsonConverter)Activator.CreateInstance(typeof(ObservationConverter<>).MakeGenericType(valueType))!;
    }

    private sealed class ObservationConverter<T> : JsonConverter<Observation<T>>
    {
        public override Observation<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("an observation is an object with one of 'found', 'absent' or 'unknown'");
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("an observation needs exactly one of 'found', 'absent' or 'unknown'");
            }

            var key = reader.GetString();
            reader.Read();
            Observation<T> result = key switch
            {
                "found" => new Found<T>(JsonSerializer.Deserialize<T>(ref reader, options)
                    ?? throw new JsonException("'found' needs a value")),
                "absent" => new Absent<T>(ParseAbsence(reader.GetString())),
                "unknown" => new Unknown<T>(reader.GetString() ?? ""),
                _ => throw new JsonException($"unknown observation '{key}'; expected 'found', 'absent' or 'unknown'"),
            };
            reader.Read();
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw new JsonException("an observation has exactly one property");
            }

            return result;
        }

        public override void Write(Utf8JsonWriter writer, Observation<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            switch (value)
            {
                case Found<T> found:
                    writer.WritePropertyName("found");
                    JsonSerializer.Serialize(writer, found.Value, options);
                    break;
                case Absent<T> absent:
                    writer.WriteString("absent", absent.Kind == AbsenceKind.NxDomain ? "nxdomain" : "nodata");
                    break;
                case Unknown<T> unknown:
                    writer.WriteString("unknown", unknown.Reason);
                    break;
                default:
                    throw new JsonException($"unsupported observation {value.GetType().Name}");
            }

            writer.WriteEndObject();
        }

        private static AbsenceKind ParseAbsence(string? text) =>
            text?.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
            {
                "nxdomain" => AbsenceKind.NxDomain,
                "nodata" => AbsenceKind.NoData,
                _ => throw new JsonException($"'absent' is 'nxdomain' or 'nodata', not '{text}'"),
            };
    }
}
