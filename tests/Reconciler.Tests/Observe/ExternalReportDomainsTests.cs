using Reconciler.Desired;
using Reconciler.Observe;

namespace Reconciler.Tests.Observe;

public sealed class ExternalReportDomainsTests
{
    private static IReadOnlyList<string> Of(string domain, string? rua, string? ruf = null)
    {
        var tags = new Dictionary<string, string> { ["p"] = "reject" };
        if (rua is not null)
        {
            tags["rua"] = rua;
        }

        if (ruf is not null)
        {
            tags["ruf"] = ruf;
        }

        return DomainObservation.ExternalReportDomains(domain, new DmarcSpec(tags));
    }

    [Fact]
    public void Outside_domains_of_rua_and_ruf_need_authorisation_once_each()
    {
        Assert.Equal(
            ["reports.example.net", "forensic.example.org"],
            Of("example.com", "mailto:a@Reports.Example.NET!10m, mailto:b@reports.example.net", "mailto:f@forensic.example.org"));
    }

    [Theory]
    [InlineData("mailto:d@example.com")]
    [InlineData("mailto:d@reports.example.com")]
    [InlineData("mailto:d@com")]
    [InlineData("https://reports.example.net/dmarc")]
    [InlineData("mailto:no-at-sign")]
    public void The_domain_its_relatives_and_non_mailto_uris_need_none(string rua) =>
        Assert.Empty(Of("example.com", rua));

    [Fact]
    public void A_parent_of_a_subdomain_needs_none() =>
        Assert.Empty(Of("mail.example.com", "mailto:d@example.com"));

    [Fact]
    public void Without_dmarc_nothing_is_looked_up() =>
        Assert.Empty(DomainObservation.ExternalReportDomains("example.com", null));
}
