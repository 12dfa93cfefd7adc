namespace Reconciler.Desired.Yaml;

/// <summary>
/// A <see cref="TextReader"/> over the first <c>length</c> characters of a buffer the caller owns (and may
/// rent from a pool): the parser reads the decoded file without a copy into a string first.
/// </summary>
internal sealed class CharBufferReader(char[] buffer, int length) : TextReader
{
    private int position;

    public override int Peek() => position < length ? buffer[position] : -1;

    public override int Read() => position < length ? buffer[position++] : -1;

    public override int Read(char[] destination, int index, int count)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Read(destination.AsSpan(index, count));
    }

    public override int Read(Span<char> destination)
    {
        var count = Math.Min(destination.Length, length - position);
        buffer.AsSpan(position, count).CopyTo(destination);
        position += count;
        return count;
    }
}
