using System.Collections.Immutable;
using System.Formats.Asn1;

namespace Reconciler.Records;

/// <summary>
/// A DKIM key record at <c>selector._domainkey.domain</c> (RFC 6376 §3.6.1; ed25519 per RFC 8463).
/// <see cref="Tags"/> holds the tag names (case-sensitive, RFC 6376 §3.2) and the values as written.
/// </summary>
public sealed record DkimKeyRecord(IReadOnlyDictionary<string, string> Tags)
{
    public const string Rule = "RFC 6376 §3.6.1";
    public const string KeySizeRule = "RFC 8301 §3.2";
    public const string Ed25519Rule = "RFC 8463 §4.2";

    private const string RsaEncryption = "1.2.840.113549.1.1.1";

    private static readonly ImmutableArray<string> CanonicalOrder = ["v", "k", "h", "s", "t", "n"];

    /// <summary><c>k</c> lower-cased, <c>rsa</c> when absent.</summary>
    public string KeyType => Get("k") is { } k ? TagList.TrimFws(k).ToLowerInvariant() : "rsa";

    /// <summary>The base64 of <c>p</c> with all white space removed; empty when revoked or absent.</summary>
    public string PublicKey => Get("p") is { } p ? WithoutWhiteSpace(p) : "";

    /// <summary>True when <c>p=</c> is present and empty: the key has been revoked.</summary>
    public bool IsRevoked => Get("p") is { } p && p.All(char.IsWhiteSpace);

    /// <summary>The RSA modulus size in bits, or null when the key is not a readable RSA key.</summary>
    public int? RsaBits => KeyType == "rsa" && Decode(PublicKey) is { Length: > 0 } der ? RsaKeySize(der) : null;

    public static ParseResult<DkimKeyRecord> Parse(string txt)
    {
        var parsed = TagList.Parse(txt, Rule, caseSensitiveNames: true);
        if (parsed.Value is null)
        {
            return new(null, parsed.Problems);
        }

        var problems = new List<RecordProblem>(parsed.Problems);
        var list = parsed.Value;
        var tags = list.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var record = new DkimKeyRecord(tags);
        TagList.WarnMiscased(list, ["v", "h", "k", "n", "p", "s", "t"], TagList.Rfc6376TagList, problems);
        var versionIndex = -1;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Key == "v")
            {
                versionIndex = i;
                break;
            }
        }

        if (versionIndex > 0)
        {
            problems.Add(new(Severity.Error, Rule, "the 'v' tag, when present, must be the first tag"));
        }

        if (versionIndex >= 0 && list[versionIndex].Value != "DKIM1")
        {
            problems.Add(new(Severity.Error, Rule, $"v '{list[versionIndex].Value}' must be 'DKIM1'"));
        }

        var keyType = record.KeyType;
        if (keyType is not ("rsa" or "ed25519"))
        {
            problems.Add(new(Severity.Error, Rule, $"key type k='{keyType}' is unknown; verifiers ignore the key (rsa or ed25519)"));
        }

        if (!tags.ContainsKey("p"))
        {
            problems.Add(new(Severity.Error, Rule, "the 'p' tag (public key, or empty when revoked) is required"));
        }
        else if (!record.IsRevoked)
        {
            CheckKey(record, keyType, problems);
        }

        if (Get(tags, "h") is { } h && !List(h).Contains("sha256"))
        {
            problems.Add(new(Severity.Error, "RFC 8301 §3.1", $"h='{h}' does not allow sha256; sha1 must not be used for signing or verifying"));
        }

        if (Get(tags, "s") is { } s && !List(s).Any(x => x is "*" or "email"))
        {
            problems.Add(new(Severity.Error, Rule, $"s='{s}' does not include '*' or 'email'; the key cannot verify mail"));
        }

        var failed = problems.Any(p => p.Severity >= Severity.Error);
        return new(failed ? null : record, problems);
    }

    /// <summary><c>v=DKIM1; k=...; h, s, t, n, other tags by name; p=...</c> last, without white space inside p.</summary>
    public string Render()
    {
        var tags = new List<KeyValuePair<string, string>> { new("v", "DKIM1"), new("k", KeyType) };
        tags.AddRange(CanonicalOrder.Skip(2).Where(k => Get(k) is not null).Select(k => new KeyValuePair<string, string>(k, Get(k)!)));
        tags.AddRange(Tags.Where(t => !CanonicalOrder.Contains(t.Key) && t.Key != "p").OrderBy(t => t.Key, StringComparer.Ordinal));
        tags.Add(new("p", PublicKey));
        return TagList.Render(tags);
    }

    /// <summary>Same key type (rsa by default), same key (white space ignored), same h, s and t sets; notes and order ignored.</summary>
    public bool SemanticEquals(DkimKeyRecord other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return KeyType == other.KeyType &&
               string.Equals(PublicKey, other.PublicKey, StringComparison.Ordinal) &&
               IsRevoked == other.IsRevoked &&
               ListOrDefault("h", "*").SetEquals(other.ListOrDefault("h", "*")) &&
               ListOrDefault("s", "*").SetEquals(other.ListOrDefault("s", "*")) &&
               ListOrDefault("t", "").SetEquals(other.ListOrDefault("t", ""));
    }

    private static void CheckKey(DkimKeyRecord record, string keyType, List<RecordProblem> problems)
    {
        var der = Decode(record.PublicKey);
        if (der is null)
        {
            problems.Add(new(Severity.Error, Rule, "p is not valid base64"));
            return;
        }

        if (keyType == "ed25519")
        {
            if (der.Length != 32)
            {
                problems.Add(new(Severity.Error, Ed25519Rule, $"an ed25519 public key is 32 bytes, p holds {der.Length}"));
            }

            return;
        }

        if (keyType != "rsa")
        {
            return;
        }

        var bits = RsaKeySize(der);
        if (bits is null)
        {
            problems.Add(new(Severity.Error, Rule, "p is not an RSA public key (SubjectPublicKeyInfo or RSAPublicKey DER)"));
        }
        else if (bits < 1024)
        {
            problems.Add(new(Severity.Error, KeySizeRule, $"the RSA key has {bits} bits; verifiers reject keys under 1024 bits"));
        }
        else if (bits < 2048)
        {
            problems.Add(new(Severity.Warning, KeySizeRule, $"the RSA key has {bits} bits; signers SHOULD use at least 2048"));
        }
    }

    private static byte[]? Decode(string base64)
    {
        if (base64.Length == 0)
        {
            return [];
        }

        // Base64 holds at most 3 bytes per 4 characters: one buffer, copied only when padding made it shorter.
        var buffer = new byte[(base64.Length + 3) / 4 * 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return null;
        }

        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>
    /// The modulus size of a DER SubjectPublicKeyInfo (rsaEncryption) or bare PKCS#1 RSAPublicKey,
    /// read with the managed ASN.1 reader (the OpenSSL import costs far more and runs for every
    /// declared and every live key); null when it is neither.
    /// </summary>
    private static int? RsaKeySize(byte[] der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var outer = reader.ReadSequence();
            if (reader.HasData)
            {
                return null;
            }

            if (outer.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var algorithm = outer.ReadSequence();
                if (algorithm.ReadObjectIdentifier() != RsaEncryption)
                {
                    return null;
                }

                if (algorithm.HasData)
                {
                    algorithm.ReadNull();
                }

                if (algorithm.HasData)
                {
                    return null;
                }

                var key = outer.ReadBitString(out var unused);
                if (unused != 0 || outer.HasData)
                {
                    return null;
                }

                var inner = new AsnReader(key, AsnEncodingRules.DER);
                var sequence = inner.ReadSequence();
                return inner.HasData ? null : RsaPublicKeyBits(sequence);
            }

            return RsaPublicKeyBits(outer);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The bits of the modulus, from the contents of RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.</summary>
    private static int? RsaPublicKeyBits(AsnReader sequence)
    {
        var modulus = sequence.ReadIntegerBytes().Span;
        var exponent = sequence.ReadIntegerBytes().Span;
        if (sequence.HasData || modulus.Length == 0 || (modulus[0] & 0x80) != 0 || exponent.Length == 0 || (exponent[0] & 0x80) != 0)
        {
            return null;
        }

        var start = modulus[0] == 0 ? 1 : 0;
        if (start == modulus.Length)
        {
            return null;
        }

        return ((modulus.Length - start - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[start]));
    }

    private static string WithoutWhiteSpace(string text)
    {
        var first = 0;
        while (first < text.Length && !char.IsWhiteSpace(text[first]))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var kept = new System.Text.StringBuilder(text.Length);
        kept.Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (!char.IsWhiteSpace(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    private HashSet<string> ListOrDefault(string tag, string fallback) =>
        (Get(tag) is { } v ? List(v) : [fallback]).ToHashSet(StringComparer.Ordinal);

    private static List<string> List(string value) =>
        value.Split(':').Select(x => TagList.TrimFws(x).ToLowerInvariant()).Where(x => x.Length > 0).ToList();

    private string? Get(string name) => Get(Tags, name);

    /// <summary>Tag names are case-sensitive (RFC 6376 §3.2).</summary>
    private static string? Get(IReadOnlyDictionary<string, string> tags, string name) =>
        tags.TryGetValue(name, out var v) ? v : null;
}
