using System.Globalization;

namespace Reconciler.Host.Daemon;

/// <summary>Durations as people write them on a command line: <c>90s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, or <c>00:05:00</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var unit = trimmed[^1];
        var scale = unit switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (scale != TimeSpan.Zero)
        {
            if (!double.TryParse(trimmed[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
            {
                return false;
            }

            value = scale * count;
            return true;
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The form configuration binding reads (<c>d.hh:mm:ss</c>).</summary>
    public static string ToConfiguration(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
