using System.Text;
using Reconciler.Observe;

namespace Reconciler.Tests.Observe;

public sealed class PolicyHttpTests
{
    private const string Policy = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n";

    [Fact]
    public async Task Content_length_body_and_head_fields_are_read()
    {
        var (head, body) = await ReadAsync($"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Policy.Length}\r\n\r\n{Policy}");
        Assert.Equal((200, "text/plain; charset=utf-8", (long?)Policy.Length, false), (head.Status, head.ContentType, head.ContentLength, head.Chunked));
        Assert.Equal(Policy, body);
    }

    [Fact]
    public async Task Chunked_body_with_extensions_and_trailers_is_joined()
    {
        var wire = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"{10:x};ext=1\r\n{Policy[..10]}\r\n{Policy.Length - 10:X}\r\n{Policy[10..]}\r\n0\r\nX-Trailer: y\r\n\r\n";
        var (head, body) = await ReadAsync(wire);
        Assert.True(head.Chunked);
        Assert.Null(head.ContentLength);
        Assert.Equal(Policy, body);
    }

    [Fact]
    public async Task A_body_without_length_ends_with_the_connection()
    {
        var (_, body) = await ReadAsync($"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n{Policy}");
        Assert.Equal(Policy, body);
    }

    [Fact]
    public async Task Lines_split_across_reads_and_bare_lf_are_read()
    {
        var (head, body) = await ReadAsync($"HTTP/1.1 301 Moved\nLocation: https://elsewhere.example/\r\nContent-Length: 0\r\n\r\n", chunk: 1);
        Assert.Equal((301, "https://elsewhere.example/"), (head.Status, head.Location));
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("close")]
    [InlineData("length")]
    public async Task A_body_over_the_cap_is_refused(string framing)
    {
        var big = new string('x', 100);
        var wire = framing switch
        {
            "chunked" => $"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{big.Length:x}\r\n{big}\r\n0\r\n\r\n",
            "close" => $"HTTP/1.1 200 OK\r\n\r\n{big}",
            _ => $"HTTP/1.1 200 OK\r\nContent-Length: {big.Length}\r\n\r\n{big}",
        };
        var (_, body) = await ReadAsync(wire, cap: 50);
        Assert.Null(body);
    }

    [Theory]
    [InlineData("HTP/1.1 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("")]
    public async Task Malformed_responses_are_protocol_errors(string wire)
    {
        await Assert.ThrowsAsync<PolicyProtocolException>(() => ReadAsync(wire));
    }

    [Fact]
    public void The_request_closes_the_connection_and_names_the_host()
    {
        var request = Encoding.ASCII.GetString(PolicyHttp.Request("mta-sts.example.com:8443").Span);
        Assert.StartsWith("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.example.com:8443\r\n", request, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", request, StringComparison.Ordinal);
    }

    private static async Task<(PolicyResponseHead Head, string? Body)> ReadAsync(string wire, int chunk = 4096, int cap = 64 * 1024)
    {
        using var http = new PolicyHttp(new TrickleStream(Encoding.Latin1.GetBytes(wire), chunk));
        var head = await http.ReadHeadAsync(CancellationToken.None);
        var body = await http.ReadBodyAsync(head, cap, CancellationToken.None);
        return (head, body is null ? null : Encoding.UTF8.GetString(body));
    }

    /// <summary>A read-only stream that hands out at most <c>chunk</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
