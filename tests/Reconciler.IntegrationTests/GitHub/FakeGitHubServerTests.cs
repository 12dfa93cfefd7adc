using System.Net;
using System.Net.Http.Headers;
using Reconciler.IntegrationTests.FakeGitHub;

namespace Reconciler.IntegrationTests.GitHub;

/// <summary>The fake itself: conditional requests and the error shapes clients depend on.</summary>
public sealed class FakeGitHubServerTests : IClassFixture<FakeGitHubFixture>
{
    private readonly FakeGitHubServer _gh;

    public FakeGitHubServerTests(FakeGitHubFixture fixture)
    {
        _gh = fixture.Server;
        _gh.Reset();
    }

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = new Uri(_gh.BaseUrl + "api/v3/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", "test-token");
        return http;
    }

    [Fact]
    public async Task Etag_gives_304_when_unchanged()
    {
        using var http = Client();
        using var first = await http.GetAsync(new Uri("user", UriKind.Relative));
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "user");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.True(first.Headers.Contains("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Missing_things_are_404_and_bad_tokens_401()
    {
        using var http = Client();
        using var missing = await http.GetAsync(new Uri($"repos/{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}/git/refs/heads/nope", UriKind.Relative));
        using var otherRepo = await http.GetAsync(new Uri("repos/someone/else/issues", UriKind.Relative));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", "wrong");
        using var unauthorized = await http.GetAsync(new Uri("user", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherRepo.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Duplicate_ref_is_a_validation_failure_shaped_like_github()
    {
        var sha = _gh.SeedBranch("main", new Dictionary<string, string> { ["a"] = "b" });
        using var http = Client();
        using var body = new StringContent($"{{\"ref\":\"refs/heads/main\",\"sha\":\"{sha}\"}}");

        using var response = await http.PostAsync(new Uri($"repos/{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}/git/refs", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(422, (int)response.StatusCode);
        Assert.Contains("\"message\":\"Validation Failed\"", text, StringComparison.Ordinal);
        Assert.Contains("already_exists", text, StringComparison.Ordinal);
    }
}
