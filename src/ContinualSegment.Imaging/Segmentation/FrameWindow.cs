namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// A window of the packed pixel data: frames are packed into it at their bit offset, and whole bytes before the next
/// frame are written out when it fills (frames are not byte-aligned, so the last partial byte moves to the front).
/// </summary>
internal sealed class FrameWindow(Stream stream, int frameBits, int windowBytes)
{
    private long windowStart; // byte offset in the pixel data of Buffer[0]
    private long bit;         // bit offset in the pixel data of the next frame

    public byte[] Buffer { get; } = new byte[Math.Max(windowBytes, (frameBits / 8) + 2)];

    /// <summary>Bit offset of the next frame within <see cref="Buffer"/>.</summary>
    public long BitOffset => bit - (windowStart * 8);

    /// <summary>Makes room in the window for the next frame.</summary>
    public async ValueTask ReserveAsync(CancellationToken cancellationToken)
    {
        long lastByte = (bit + frameBits - 1) >> 3;
        if (lastByte - windowStart < Buffer.Length)
        {
            return;
        }

        int complete = (int)((bit >> 3) - windowStart);
        await stream.WriteAsync(Buffer.AsMemory(0, complete), cancellationToken).ConfigureAwait(false);
        Buffer[0] = complete < Buffer.Length ? Buffer[complete] : (byte)0;
        Array.Clear(Buffer, 1, Buffer.Length - 1);
        windowStart += complete;
    }

    public void Advance() => bit += frameBits;

    /// <summary>Writes the rest, padded with zero bytes to the total length.</summary>
    public async ValueTask FinishAsync(long totalBytes, CancellationToken cancellationToken)
    {
        long remaining = totalBytes - windowStart;
        while (remaining > 0)
        {
            int n = (int)Math.Min(remaining, Buffer.Length);
            await stream.WriteAsync(Buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            Array.Clear(Buffer);
            remaining -= n;
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
