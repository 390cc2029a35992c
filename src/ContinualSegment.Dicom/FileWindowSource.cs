namespace ContinualSegment.Dicom;

/// <summary>
/// Reads a seekable stream front to back in windows for <see cref="DicomFile.Open(Stream, DicomReadOptions?)"/>:
/// small windows for the header elements, and one right-sized buffer per large top-level value (Pixel Data), read
/// straight from the stream into it. Offsets are counted from the stream position at the start. Every buffer it
/// hands out is recorded so that the file can give them back when disposed.
/// </summary>
internal sealed class FileWindowSource
{
    /// <summary>Size of the first window (and of later ones until an element needs more).</summary>
    internal const int InitialWindow = 16 * 1024;

    /// <summary>When an element outgrows its window and less than this remains, the next window takes all of it.</summary>
    internal const long ReadRestBelow = 4 * 1024 * 1024;

    /// <summary>Top-level values at least this long that run past the window get their own buffer.</summary>
    internal const int LargeValueThreshold = 64 * 1024;

    private readonly Stream stream;
    private readonly List<FileValueBuffer> buffers = [];
    private ReadOnlyMemory<byte> window;
    private long windowStart;
    private long consumed;

    public FileWindowSource(Stream stream, long length)
    {
        this.stream = stream;
        Length = length;
    }

    /// <summary>Bytes in the stream from the start position to its end.</summary>
    public long Length { get; }

    /// <summary>The buffers handed out so far (owned by the file being read).</summary>
    public IReadOnlyList<FileValueBuffer> Buffers => buffers;

    /// <summary>
    /// The bytes from <paramref name="offset"/> (not before the current window's start) on, at most
    /// <paramref name="size"/> of them and at most to the end of the stream.
    /// </summary>
    public ReadOnlyMemory<byte> Window(long offset, long size)
    {
        if (offset < windowStart || offset > consumed)
        {
            throw new InvalidOperationException($"Window at {offset} is outside the bytes read ({windowStart}..{consumed}).");
        }

        var count = (int)Math.Max(Math.Min(size, Length - offset), consumed - offset);
        var buffer = Rent(count);
        var memory = buffer.Memory;
        // Bytes already read (the end of the current window) are copied; the rest comes from the stream.
        var reuse = (int)Math.Min(consumed - offset, count);
        if (reuse > 0)
        {
            window.Span.Slice((int)(offset - windowStart), reuse).CopyTo(memory.Span);
        }

        Fill(memory.Span[reuse..]);
        window = memory[..count];
        windowStart = offset;
        return window;
    }

    /// <summary>
    /// Reads a top-level value of <paramref name="length"/> bytes at <paramref name="offset"/> into its own buffer:
    /// <paramref name="buffered"/> holds its first bytes, those the current window already has; the rest comes from
    /// the stream.
    /// </summary>
    public ReadOnlyMemory<byte> ReadValue(long offset, int length, ReadOnlySpan<byte> buffered)
    {
        if (offset + buffered.Length != consumed || offset + length > Length)
        {
            throw new InvalidOperationException($"Value at {offset} ({length} bytes) does not continue the bytes read ({consumed}).");
        }

        var memory = Rent(length).Memory;
        buffered.CopyTo(memory.Span);
        Fill(memory.Span[buffered.Length..]);
        return memory;
    }

    private FileValueBuffer Rent(int count)
    {
        var buffer = new FileValueBuffer(count);
        buffers.Add(buffer);
        return buffer;
    }

    private void Fill(Span<byte> target)
    {
        try
        {
            stream.ReadExactly(target);
        }
        catch (EndOfStreamException ex)
        {
            throw new DicomException($"The data ended early: {target.Length} bytes at offset {consumed} could not be read (was the file changed while it was read?).", ex);
        }

        consumed += target.Length;
    }
}
