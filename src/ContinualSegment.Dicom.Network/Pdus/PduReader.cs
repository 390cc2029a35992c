using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>
/// Reads whole PDUs from a stream. Each receive asks for as many bytes as the reader's buffer has room for, so
/// several PDUs (or a large one) arrive with one call; the 6-byte header is validated against
/// <see cref="PduLimits"/> before the buffer is grown to hold the body. Bytes read past the current PDU stay in the
/// buffer for the next read, so the stream must not be read by anyone else while the reader is in use.
/// </summary>
public sealed class PduReader
{
    /// <summary>Room the buffer starts with: several P-DATA-TF PDUs of the default maximum length.</summary>
    private const int InitialBufferLength = 256 * 1024;

    private readonly Stream stream;
    private readonly PduLimits limits;
    private readonly bool borrowPData;
    private byte[] buffer = [];
    private int start;
    private int end;

    /// <summary>Creates a reader over <paramref name="stream"/>.</summary>
    public PduReader(Stream stream, PduLimits limits)
        : this(stream, limits, borrowPData: false)
    {
    }

    /// <summary>
    /// Creates a reader; with <paramref name="borrowPData"/> the data of a P-DATA-TF PDU is not copied: its
    /// presentation data values point into a buffer the reader reuses, valid until the next read.
    /// </summary>
    internal PduReader(Stream stream, PduLimits limits, bool borrowPData)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        this.stream = stream;
        this.limits = limits;
        this.borrowPData = borrowPData;
    }

    private int Buffered => end - start;

    /// <summary>Length of the last PDU read, header included.</summary>
    internal int LastPduLength { get; private set; }

    /// <summary>
    /// Reads the next PDU. Returns null when the stream ends cleanly on a PDU boundary; throws
    /// <see cref="EndOfStreamException"/> when it ends inside a PDU and <see cref="PduFormatException"/> for a
    /// malformed, unrecognized or oversized PDU.
    /// </summary>
    public ValueTask<Pdu?> ReadAsync(CancellationToken cancellationToken) => ReadCoreAsync(blocking: false, cancellationToken);

    /// <summary>
    /// Reads the next PDU, blocking the calling thread; same results and exceptions as <see cref="ReadAsync"/>.
    /// A receive timeout set on the underlying socket surfaces as an <see cref="IOException"/>.
    /// </summary>
    public Pdu? Read()
    {
        // A blocking read completes before it returns: the value task is already finished.
        var pending = ReadCoreAsync(blocking: true, CancellationToken.None);
        return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private async ValueTask<Pdu?> ReadCoreAsync(bool blocking, CancellationToken cancellationToken)
    {
        while (Buffered < PduCodec.HeaderLength)
        {
            if (await FillAsync(PduCodec.HeaderLength, blocking, cancellationToken).ConfigureAwait(false) == 0)
            {
                return EndInsideHeader();
            }
        }

        var length = TakeHeader(out var type);
        while (Buffered < length)
        {
            if (await FillAsync(length, blocking, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new EndOfStreamException($"The connection closed inside a PDU body of {length} bytes.");
            }
        }

        LastPduLength = PduCodec.HeaderLength + length;
        return TakeBody(type, length);
    }

    /// <summary>Makes room for <paramref name="needed"/> bytes and receives once into the free space; returns the count (0 at the end).</summary>
    private async ValueTask<int> FillAsync(int needed, bool blocking, CancellationToken cancellationToken)
    {
        MakeRoom(needed);
        var got = blocking
            ? this.stream.Read(buffer.AsSpan(end))
            : await this.stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
        end += got;
        return got;
    }

    private Pdu? EndInsideHeader() =>
        Buffered == 0 ? null : throw new EndOfStreamException("The connection closed inside a PDU header.");

    /// <summary>Consumes and validates the buffered header; returns the body length.</summary>
    private int TakeHeader(out byte type)
    {
        type = buffer[start];
        var length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start + 2));
        start += PduCodec.HeaderLength;
        PduCodec.ValidateHeader(type, length, this.limits);
        return (int)length;
    }

    /// <summary>Consumes the buffered body of <paramref name="length"/> bytes and decodes it.</summary>
    private Pdu TakeBody(byte type, int length)
    {
        var offset = start;
        start += length;
        if (start == end)
        {
            start = end = 0;
        }

        // A borrowed body stays valid until the next read: the buffer is only rearranged by a later read.
        return this.borrowPData && type == (byte)PduType.PData
            ? PDataFraming.Decode(buffer.AsSpan(offset, length), buffer.AsMemory(offset, length))
            : PduCodec.DecodeBody(type, buffer.AsSpan(offset, length));
    }

    /// <summary>
    /// Makes sure the buffer can hold <paramref name="needed"/> bytes from the current position (a length already
    /// validated against the limits) and has free room at its end, moving the buffered bytes to the front or into
    /// a larger buffer when not.
    /// </summary>
    private void MakeRoom(int needed)
    {
        if (start + needed <= buffer.Length && end < buffer.Length)
        {
            return;
        }

        var buffered = Buffered;
        var target = buffer;
        if (needed > buffer.Length)
        {
            target = GC.AllocateUninitializedArray<byte>(Math.Max(needed, InitialBufferLength));
        }

        if (buffered > 0)
        {
            buffer.AsSpan(start, buffered).CopyTo(target);
        }

        buffer = target;
        start = 0;
        end = buffered;
    }
}
