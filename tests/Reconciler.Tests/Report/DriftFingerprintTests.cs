using Reconciler.Plan;
using Reconciler.Records;
using Reconciler.Report.GitHub;

namespace Reconciler.Tests.Report;

public sealed class DriftFingerprintTests
{
    private static readonly Finding Policy = new(Checks.MtaStsPolicy, FindingKind.Mismatch, Severity.Error,
        "https://mta-sts.example.com/.well-known/mta-sts.txt", "mode: enforce", "mode: testing", "testing, declared enforce");

    private static Finding IdBump(string proposed, string live = "20260101000000") =>
        new(Checks.MtaStsId, FindingKind.Mismatch, Severity.Critical, "_mta-sts.example.com", proposed, live, $"proposed id {proposed}");

    [Fact]
    public void The_proposed_id_of_a_later_run_does_not_change_the_fingerprint()
    {
        var first = DriftMarker.Fingerprint([Policy, IdBump("20261128231904")]);

        Assert.Equal(first, DriftMarker.Fingerprint([Policy, IdBump("20261128231905")]));
        Assert.NotEqual(first, DriftMarker.Fingerprint([Policy, IdBump("20261128231905", live: "20260202000000")]));
        Assert.NotEqual(first, DriftMarker.Fingerprint([Policy]));
    }
}
