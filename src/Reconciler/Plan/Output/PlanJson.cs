using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Reconciler.Observe;

namespace Reconciler.Plan.Output;

/// <summary>
/// The contract JSON of a plan (<c>plan --format json</c>): camelCase names, enums in kebab-case
/// (<c>in-sync</c>, <c>mismatch</c>), documented in <c>schemas/plan.schema.json</c>. Written without
/// reflection, so the same code serves the compiled-ahead CLI.
/// </summary>
public static class PlanJson
{
    /// <summary>
    /// The layout: indented by two spaces, and no escaping beyond what JSON needs (a plan is read by
    /// people and tools, never embedded in HTML). <see cref="LiveJson"/> writes recorded live state alike.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteAsync(Stream output, ReconcilePlan plan, CancellationToken ct) =>
        WriteAsync(output, plan, new Dictionary<DomainPlan, byte[]>(), ct);

    public static string Serialize(ReconcilePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteHead(writer, plan);
            foreach (var domain in plan.Domains)
            {
                Write(writer, domain);
            }

            WriteTail(writer, plan);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// One domain's entry as it stands in a plan document, with the line break and indentation before
    /// it (a raw value gets none from the writer), made while the rest of the fleet is still observed,
    /// so writing the plan is only copying.
    /// </summary>
    public static byte[] Piece(DomainPlan plan)
    {
        var json = Entry(plan);
        // The entry sits two levels deep ({ "domains": [ entry ] }): it starts on a new line and each of
        // its lines moves right by two indentation steps. JSON strings hold no raw line break, so every
        // one in the entry is layout.
        var breakAndIndent = Encoding.UTF8.GetBytes(WriterOptions.NewLine + new string(WriterOptions.IndentCharacter, 2 * WriterOptions.IndentSize));
        var newLine = Encoding.UTF8.GetBytes(WriterOptions.NewLine);
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
        await using var writer = new Utf8JsonWriter(output, WriterOptions);
        WriteHead(writer, plan);
        foreach (var domain in plan.Domains)
        {
            if (pieces.TryGetValue(domain, out var piece))
            {
                writer.WriteRawValue(piece, skipInputValidation: true);
            }
            else
            {
                Write(writer, domain);
            }

            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(ct).ConfigureAwait(false);
            }
        }

        WriteTail(writer, plan);
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The plan document up to its first domain entry.</summary>
    private static void WriteHead(Utf8JsonWriter writer, ReconcilePlan plan)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version"u8, plan.Version);
        writer.WriteStartArray("domains"u8);
    }

    /// <summary>The plan document after its last domain entry: the summary.</summary>
    private static void WriteTail(Utf8JsonWriter writer, ReconcilePlan plan)
    {
        writer.WriteEndArray();
        writer.WriteStartObject("summary"u8);
        writer.WriteNumber("domains"u8, plan.Summary.Domains);
        writer.WriteNumber("inSync"u8, plan.Summary.InSync);
        writer.WriteNumber("drift"u8, plan.Summary.Drift);
        writer.WriteNumber("unknown"u8, plan.Summary.Unknown);
        writer.WriteNumber("invalid"u8, plan.Summary.Invalid);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>One domain's entry, as a document of its own.</summary>
    public static string Serialize(DomainPlan plan) => Encoding.UTF8.GetString(Entry(plan));

    private static byte[] Entry(DomainPlan plan)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, plan);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One domain's entry in the contract's shape, written field by field (no reflection: the plan is the
    /// one document every run writes, and a compiled-ahead build has no serializer metadata for it).
    /// Names, order and nulls are those the reflection serializer gives <see cref="DomainPlan"/> with
    /// <see cref="LiveJson.Options"/> (camelCase, kebab-case enums); a test holds the two byte for byte.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, DomainPlan plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        writer.WriteStartObject();
        writer.WriteString("domain"u8, plan.Domain);
        writer.WriteString("status"u8, ContractNames.Of(plan.Status));
        writer.WriteStartArray("findings"u8);
        foreach (var finding in plan.Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("check"u8, finding.Check);
            writer.WriteString("kind"u8, ContractNames.Of(finding.Kind));
            writer.WriteString("severity"u8, ContractNames.Of(finding.Severity));
            writer.WriteString("name"u8, finding.Name);
            writer.WriteString("expected"u8, finding.Expected);
            writer.WriteString("actual"u8, finding.Actual);
            writer.WriteString("message"u8, finding.Message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (plan.MtaSts is { } ids)
        {
            writer.WriteStartObject("mtaSts"u8);
            writer.WriteString("declaredId"u8, ids.DeclaredId);
            writer.WriteString("liveId"u8, ids.LiveId);
            writer.WriteString("proposedId"u8, ids.ProposedId);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("mtaSts"u8);
        }

        writer.WriteStartArray("fix"u8);
        foreach (var step in plan.Fix)
        {
            writer.WriteStringValue(step);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
