using System.Globalization;

namespace Reconciler.Desired.Yaml;

/// <summary>
/// Typed access to <see cref="YamlNode"/>s that reports, at the node's position, what was found and
/// what is allowed. Each method returns null (and adds an error) when the node has the wrong shape.
/// </summary>
internal static class YamlValues
{
    public static YamlMapping? Map(YamlNode node, string what, DiagnosticBag bag, IReadOnlyList<string>? allowed = null)
    {
        if (node is YamlMapping map)
        {
            if (allowed is not null)
            {
                foreach (var (key, _) in map.Entries)
                {
                    if (!IsOneOf(key.Value, allowed))
                    {
                        bag.Error(key, $"unknown key '{key.Value}' in {what}; allowed: {string.Join(", ", allowed)}");
                    }
                }
            }

            return map;
        }

        bag.Error(node, $"{what} must be a map{(allowed is null ? "" : $" with keys {string.Join(", ", allowed)}")}, not {Describe(node)}");
        return null;
    }

    public static YamlSequence? List(YamlNode node, string what, DiagnosticBag bag)
    {
        if (node is YamlSequence list)
        {
            return list;
        }

        bag.Error(node, $"{what} must be a list (e.g. [ a, b ] or one '- item' per line), not {Describe(node)}");
        return null;
    }

    public static YamlScalar? Scalar(YamlNode node, string what, DiagnosticBag bag)
    {
        if (node is YamlScalar { IsNull: false } scalar)
        {
            return scalar;
        }

        bag.Error(node, $"{what} must be a single value, not {Describe(node)}");
        return null;
    }

    public static string? String(YamlNode node, string what, DiagnosticBag bag) => Scalar(node, what, bag)?.Value;

    /// <summary>A whole number written in decimal digits, within <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static long? Integer(YamlNode node, string what, long min, long max, DiagnosticBag bag)
    {
        if (Scalar(node, what, bag) is not { } scalar)
        {
            return null;
        }

        if (scalar.Value.Length == 0 || scalar.Value.Length > 18 || scalar.Value.AsSpan().ContainsAnyExceptInRange('0', '9')
            || !long.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            bag.Error(scalar, $"{what} must be a whole number from {min} to {max}, not '{scalar.Value}'");
            return null;
        }

        if (value < min || value > max)
        {
            bag.Error(scalar, $"{what} is {value}; allowed: {min} to {max}");
            return null;
        }

        return value;
    }

    /// <summary>A list of single values (strings); non-scalar items are reported and skipped.</summary>
    public static List<YamlScalar>? Strings(YamlNode node, string what, DiagnosticBag bag)
    {
        if (List(node, what, bag) is not { } list)
        {
            return null;
        }

        var result = new List<YamlScalar>(list.Items.Length);
        foreach (var item in list.Items)
        {
            if (item is YamlScalar { IsNull: false } scalar)
            {
                result.Add(scalar);
            }
            else
            {
                Scalar(item, $"each entry of {what}", bag); // reports the item
            }
        }

        return result;
    }

    public static void Require(YamlMapping map, string what, DiagnosticBag bag, params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            if (map.Get(key) is null)
            {
                bag.Error(map, $"{what} is missing the required key '{key}'");
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is one of <paramref name="names"/> (ordinal; a loop, as it runs for every key read).</summary>
    public static bool IsOneOf(string value, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlScalar { IsNull: true } => "empty",
        YamlScalar s => $"the value '{Shorten(s.Value)}'",
        _ => node.Kind,
    };

    private static string Shorten(string value) => value.Length > 40 ? value[..37] + "..." : value;
}
