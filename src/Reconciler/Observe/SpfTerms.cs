namespace Reconciler.Observe;

/// <summary>The terms of an SPF record as the tree walker needs them.</summary>
internal static class SpfTerms
{
    public static bool IsSpf(string txt) =>
        txt.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || txt.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<SpfWalkTerm> Parse(string txt)
    {
        var result = new List<SpfWalkTerm>();
        foreach (var raw in txt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var term = raw.TrimStart('+', '-', '~', '?');
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            var colon = term.IndexOfAny([':', '/']);
            if (eq > 0 && (colon < 0 || eq < colon))
            {
                result.Add(new SpfWalkTerm(term[..eq].ToLowerInvariant(), term[(eq + 1)..], true));
            }
            else if (colon > 0)
            {
                var name = term[..colon].ToLowerInvariant();
                var value = term[colon] == ':' ? term[(colon + 1)..] : null;
                result.Add(new SpfWalkTerm(name, value, false));
            }
            else
            {
                result.Add(new SpfWalkTerm(term.ToLowerInvariant(), null, false));
            }
        }

        return result;
    }
}

internal sealed record SpfWalkTerm(string Name, string? Value, bool IsModifier);
