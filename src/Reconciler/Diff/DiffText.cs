using Reconciler.Observe;
using Reconciler.Plan;
using Reconciler.Records;

namespace Reconciler.Diff;

/// <summary>Helpers shared by the check families: names, unreachable findings, TXT selection.</summary>
internal static class DiffText
{
    public static string PolicyUrl(string domain) => $"https://mta-sts.{domain}/.well-known/mta-sts.txt";

    public static Finding Unreachable(string check, string name, string reason, string what) =>
        new(check, FindingKind.Unreachable, Severity.Error, name, null, null,
            $"could not read {what}: {reason}; nothing is concluded about it until it can be read");

    /// <summary>The records of a TXT set that satisfy <paramref name="select"/>, in observed order.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> records, Func<string, bool> select) =>
        records.Where(select).ToList();

    /// <summary>Problems at or above <paramref name="minimum"/>, joined, each naming its rule.</summary>
    public static string Describe(IEnumerable<RecordProblem> problems, Severity minimum = Severity.Error) =>
        string.Join("; ", problems.Where(p => p.Severity >= minimum).Select(p => p.ToString()));

    /// <summary>Several live values in one finding field, in observed order.</summary>
    public static string Joined(IEnumerable<string> values) => string.Join(" | ", values);

    public static string Absence(AbsenceKind kind) => kind == AbsenceKind.NxDomain ? "the name does not exist" : "no record of that type";
}
