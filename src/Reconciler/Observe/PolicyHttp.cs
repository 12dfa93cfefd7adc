using System.Buffers;
using System.Globalization;
using System.Text;

namespace Reconciler.Observe;

/// <summary>The parts of an HTTP/1.1 response head the policy fetch looks at.</summary>
internal sealed record PolicyResponseHead(int Status, string? ContentType, long? ContentLength, bool Chunked, string? Location);

/// <summary>Raised when the policy host's answer is not well-formed HTTP/1.1.</summary>
internal sealed class PolicyProtocolException(string message) : IOException(message);

/// <summary>
/// The one exchange of a policy fetch over an established TLS stream, without an HTTP stack: a
/// <c>GET /.well-known/mta-sts.txt</c> with <c>Connection: close</c>, then the response head and a
/// body delimited by Content-Length, chunked transfer coding or the end of the connection, read
/// up to a cap. One connection per fetch and nothing pooled: a fleet of hosts keeps no state behind
/// (the read buffer is rented, and returned on <see cref="Dispose"/>).
/// </summary>
internal sealed class PolicyHttp(Stream stream) : IDisposable
{
    public const int MaxHeadBytes = 16 * 1024;

    private byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int start;
    private int end;
    private bool eof;

    public static ReadOnlyMemory<byte> Request(string hostHeader) =>
        Encoding.ASCII.GetBytes($"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: {hostHeader}\r\nAccept: text/plain\r\nUser-Agent: reconciler\r\nConnection: close\r\n\r\n");

    public async Task<PolicyResponseHead> ReadHeadAsync(CancellationToken ct)
    {
        var headBytes = 0;
        var statusLine = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw new PolicyProtocolException("the connection closed before a response");
        headBytes += statusLine.Length;
        if (!statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) || statusLine.Length < 12 || statusLine[8] != ' '
            || !int.TryParse(statusLine.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new PolicyProtocolException("malformed HTTP status line");
        }

        string? contentType = null;
        string? location = null;
        long? length = null;
        var chunked = false;
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw new PolicyProtocolException("the connection closed inside the response head");
            headBytes += line.Length + 2;
            if (headBytes > MaxHeadBytes)
            {
                throw new PolicyProtocolException($"response head exceeds {MaxHeadBytes} bytes");
            }

            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new PolicyProtocolException("malformed HTTP header line");
            }

            var name = line.AsSpan(0, colon);
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || (length is { } seen && seen != n))
                {
                    throw new PolicyProtocolException("malformed Content-Length");
                }

                length = n;
            }
            else if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("location", StringComparison.OrdinalIgnoreCase))
            {
                location = value;
            }
        }

        return new PolicyResponseHead(status, contentType, chunked ? null : length, chunked, location);
    }

    /// <summary>The body, or null when it exceeds <paramref name="cap"/> bytes.</summary>
    public async Task<byte[]?> ReadBodyAsync(PolicyResponseHead head, int cap, CancellationToken ct)
    {
        var body = new MemoryStream();
        if (head.Chunked)
        {
            while (true)
            {
                var line = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw new PolicyProtocolException("the connection closed inside a chunked body");
                var semicolon = line.IndexOf(';', StringComparison.Ordinal);
                if (!int.TryParse(semicolon >= 0 ? line.AsSpan(0, semicolon).Trim() : line.AsSpan().Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                {
                    throw new PolicyProtocolException("malformed chunk size");
                }

                if (size == 0)
                {
                    while (await ReadLineAsync(ct).ConfigureAwait(false) is { Length: > 0 })
                    {
                        // Trailer fields are ignored.
                    }

                    return body.ToArray();
                }

                if (body.Length + size > cap || !await CopyAsync(body, size, ct).ConfigureAwait(false))
                {
                    return body.Length + size > cap ? null : throw new PolicyProtocolException("the connection closed inside a chunk");
                }

                if (await ReadLineAsync(ct).ConfigureAwait(false) is not { Length: 0 })
                {
                    throw new PolicyProtocolException("malformed chunk end");
                }
            }
        }

        if (head.ContentLength is { } length)
        {
            if (length > cap)
            {
                return null;
            }

            return await CopyAsync(body, (int)length, ct).ConfigureAwait(false) ? body.ToArray() : throw new PolicyProtocolException("the connection closed before the whole body");
        }

        // Delimited by the end of the connection.
        await CopyAsync(body, cap + 1, ct).ConfigureAwait(false);
        return body.Length > cap ? null : body.ToArray();
    }

    /// <summary>Copies up to <paramref name="count"/> bytes; false when the stream ended first.</summary>
    private async Task<bool> CopyAsync(MemoryStream body, int count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (start == end && !await FillAsync(ct).ConfigureAwait(false))
            {
                return false;
            }

            var n = Math.Min(count, end - start);
            body.Write(buffer, start, n);
            start += n;
            count -= n;
        }

        return true;
    }

    /// <summary>One line without its CRLF (a bare LF also ends it), or null at the end of the stream.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        StringBuilder? partial = null;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                var stop = newline > start && buffer[newline - 1] == '\r' ? newline - 1 : newline;
                var text = Encoding.Latin1.GetString(buffer, start, stop - start);
                start = newline + 1;
                return partial is null ? text : partial.Append(text).ToString().TrimEnd('\r');
            }

            if (end - start > 0 && (partial?.Length ?? 0) + (end - start) > MaxHeadBytes)
            {
                throw new PolicyProtocolException($"a response line exceeds {MaxHeadBytes} bytes");
            }

            if (end > start)
            {
                (partial ??= new StringBuilder()).Append(Encoding.Latin1.GetString(buffer, start, end - start));
                start = end;
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return partial is not { Length: > 0 } ? null : partial.ToString();
            }
        }
    }

    public void Dispose()
    {
        var rented = buffer;
        buffer = [];
        if (rented.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (eof)
        {
            return false;
        }

        start = 0;
        end = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
        eof = end == 0;
        return !eof;
    }
}
