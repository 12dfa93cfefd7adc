using System.Collections.Immutable;
using System.Security.Cryptography;

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

    private static readonly ImmutableArray<string> CanonicalOrder = ["v", "k", "h", "s", "t", "n"];

    /// <summary><c>k</c> lower-cased, <c>rsa</c> when absent.</summary>
    public string KeyType => Get("k") is { } k ? TagList.TrimFws(k).ToLowerInvariant() : "rsa";

    /// <summary>The base64 of <c>p</c> with all white space removed; empty when revoked or absent.</summary>
    public string PublicKey => Get("p") is { } p ? string.Concat(p.Where(c => !char.IsWhiteSpace(c))) : "";

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
        var versionIndex = list.ToList().FindIndex(t => t.Key == "v");
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

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }

    private static int? RsaKeySize(byte[] der)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(der, out var read);
            return read == der.Length ? rsa.KeySize : null;
        }
        catch (CryptographicException)
        {
            // Not a SubjectPublicKeyInfo; try a bare PKCS#1 RSAPublicKey below.
        }

        try
        {
            rsa.ImportRSAPublicKey(der, out var read);
            return read == der.Length ? rsa.KeySize : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
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
