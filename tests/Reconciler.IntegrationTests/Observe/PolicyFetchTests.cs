using Reconciler.Observe;

namespace Reconciler.IntegrationTests.Observe;

[Collection(ObserveCollection.Name)]
public sealed class PolicyFetchTests(ObserveFixture fixture)
{
    private async Task<PolicyObservation> PolicyOf(string name)
    {
        using var observer = fixture.Observer();
        var live = await observer.ObserveAsync(ObserveFixture.Spec($"{name}.obs.test", mtaSts: true), CancellationToken.None);
        return Assert.IsType<PolicyObservation>(live.Policy);
    }

    private async Task<PolicyFetch> SingleFetch(string name) => Assert.Single((await PolicyOf(name)).Fetches);

    [Fact]
    public async Task A_plain_policy_is_ok_with_its_body()
    {
        var fetch = await SingleFetch("ok-lf");
        Assert.Equal(new PolicyFetch("127.0.0.2", PolicyFetchStatus.Ok, PolicyFailure.None, "", ObserveFixture.PolicyLf), fetch);
    }

    [Fact]
    public async Task A_crlf_policy_with_upper_case_type_is_ok_verbatim()
    {
        var fetch = await SingleFetch("ok-crlf");
        Assert.Equal(PolicyFetchStatus.Ok, fetch.Status);
        Assert.Equal(ObserveFixture.PolicyCrlf, fetch.Body);
    }

    [Theory]
    [InlineData("redirect", PolicyFailure.Redirect, "redirect to https://elsewhere.example/.well-known/mta-sts.txt")]
    [InlineData("notfound", PolicyFailure.NotFound, "status 404")]
    [InlineData("error500", PolicyFailure.HttpStatus, "status 500")]
    [InlineData("html", PolicyFailure.ContentType, "type text/html")]
    [InlineData("noctype", PolicyFailure.ContentType, "no content type")]
    [InlineData("oversize", PolicyFailure.TooLarge, "body exceeds 65536 bytes")]
    [InlineData("oversize-declared", PolicyFailure.TooLarge, "body of 66560 bytes exceeds 65536")]
    [InlineData("expired", PolicyFailure.Certificate, "certificate expired")]
    [InlineData("wrongname", PolicyFailure.Certificate, "certificate name mismatch")]
    [InlineData("untrusted", PolicyFailure.Certificate, "untrusted root")]
    public async Task A_sender_would_refuse(string name, PolicyFailure failure, string detail)
    {
        var fetch = await SingleFetch(name);
        Assert.Equal(new PolicyFetch("127.0.0.2", PolicyFetchStatus.Refused, failure, detail, null), fetch);
    }

    [Fact]
    public async Task Tls_1_0_only_is_refused_as_tls()
    {
        var fetch = await SingleFetch("tls10");
        Assert.Equal((PolicyFetchStatus.Refused, PolicyFailure.Tls), (fetch.Status, fetch.Failure));
        Assert.StartsWith("TLS handshake failed", fetch.Detail, StringComparison.Ordinal);
        Assert.Null(fetch.Body);
    }

    [Fact]
    public async Task A_trickling_body_times_out_as_unreachable()
    {
        var fetch = await SingleFetch("trickle");
        Assert.Equal(PolicyFetchStatus.Unreachable, fetch.Status);
        Assert.Equal(PolicyFailure.Timeout, fetch.Failure);
        Assert.StartsWith("timeout", fetch.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_unreachable_after_one_retry()
    {
        using var observer = fixture.Observer();
        var live = await observer.ObserveAsync(ObserveFixture.Spec("down.obs.test", mtaSts: true), CancellationToken.None);
        var fetch = Assert.Single(live.Policy!.Fetches);
        Assert.Equal(new PolicyFetch("127.0.0.9", PolicyFetchStatus.Unreachable, PolicyFailure.Connection, "connection refused", null), fetch);
        Assert.Equal(2, observer.HttpsFetches);
    }

    [Fact]
    public async Task Every_address_is_fetched_on_its_own_connection()
    {
        var policy = await PolicyOf("twobodies");
        var bodies = policy.Fetches.ToDictionary(f => f.Address, f => f.Body);
        Assert.Equal(2, bodies.Count);
        Assert.Equal(ObserveFixture.PolicyLf, bodies["127.0.0.2"]);
        Assert.Equal(ObserveFixture.PolicyCrlf, bodies["127.0.0.3"]);
    }

    [Fact]
    public async Task Repeated_fetches_from_two_addresses_never_mix_connections()
    {
        using var observer = fixture.Observer();
        var specs = Enumerable.Repeat(ObserveFixture.Spec("twobodies.obs.test", mtaSts: true), 20).ToList();
        var lives = await observer.ObserveAllAsync(specs, CancellationToken.None);
        foreach (var fetch in lives.SelectMany(l => l.Policy!.Fetches))
        {
            Assert.Equal(fetch.Address == "127.0.0.2" ? ObserveFixture.PolicyLf : ObserveFixture.PolicyCrlf, fetch.Body);
        }

        Assert.Equal(40, observer.HttpsFetches);
    }

    [Fact]
    public async Task An_undecided_policy_host_name_means_no_fetch()
    {
        var policy = await PolicyOf("viabroken");
        Assert.Contains("SERVFAIL", Assert.IsType<Unknown<IReadOnlyList<string>>>(policy.Addresses).Reason, StringComparison.Ordinal);
        Assert.Empty(policy.Fetches);
    }

    [Fact]
    public async Task Aaaa_addresses_are_fetched_too()
    {
        var policy = await PolicyOf("v6only");
        Assert.Equal(["::1"], Assert.IsType<Found<IReadOnlyList<string>>>(policy.Addresses).Value);
        var fetch = Assert.Single(policy.Fetches);
        Assert.Equal("::1", fetch.Address);
        Assert.Equal(PolicyFetchStatus.Unreachable, fetch.Status);
    }

    [Fact]
    public async Task Without_the_extra_root_the_test_ca_is_untrusted()
    {
        using var observer = new LiveObserver(fixture.Options() with { CaFile = null });
        var live = await observer.ObserveAsync(ObserveFixture.Spec("ok-lf.obs.test", mtaSts: true), CancellationToken.None);
        var fetch = Assert.Single(live.Policy!.Fetches);
        Assert.Equal((PolicyFetchStatus.Refused, PolicyFailure.Certificate, "untrusted root"), (fetch.Status, fetch.Failure, fetch.Detail));
    }
}
