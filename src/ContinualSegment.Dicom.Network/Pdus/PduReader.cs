using System.Buffers;
using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// Reads whole PDUs from a stream. The 6-byte header is validated against <see cref="PduLimits"/> before the
/// body buffer (rented from <see cref="ArrayPool{T}"/>) is obtained.
/// </summary>
public sealed class PduReader
{
    private readonly Stream _stream;
    private readonly PduLimits _limits;
    private readonly byte[] _header = new byte[PduCodec.HeaderLength];
    private readonly bool _borrowPData;
    private byte[]? _pdataBuffer;

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
        _stream = stream;
        _limits = limits;
        _borrowPData = borrowPData;
    }

    /// <summary>
    /// Reads the next PDU. Returns null when the stream ends cleanly on a PDU boundary; throws
    /// <see cref="EndOfStreamException"/> when it ends inside a PDU and <see cref="PduFormatException"/> for a
    /// malformed, unrecognized or oversized PDU.
    /// </summary>
    public async ValueTask<Pdu?> ReadAsync(CancellationToken cancellationToken)
    {
        var got = await ReadAtLeastAsync(_header, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < PduCodec.HeaderLength)
        {
            throw new EndOfStreamException("The connection closed inside a PDU header.");
        }

        var type = _header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(2));
        PduCodec.ValidateHeader(type, length, _limits);
        if (_borrowPData && type == (byte)PduType.PData)
        {
            // The length was checked against the limit above; the buffer grows to the largest PDU seen so far.
            if (_pdataBuffer is null || _pdataBuffer.Length < length)
            {
                _pdataBuffer = new byte[Math.Max(length, 4096)];
            }

            var data = _pdataBuffer.AsMemory(0, (int)length);
            if (await ReadAtLeastAsync(data, cancellationToken).ConfigureAwait(false) < length)
            {
                throw new EndOfStreamException($"The connection closed inside a PDU body of {length} bytes.");
            }

            return PduCodec.DecodePDataBorrowed(data);
        }

        var body = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            var memory = body.AsMemory(0, (int)length);
            if (await ReadAtLeastAsync(memory, cancellationToken).ConfigureAwait(false) < length)
            {
                throw new EndOfStreamException($"The connection closed inside a PDU body of {length} bytes.");
            }

            return PduCodec.DecodeBody(type, memory.Span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>
    /// Reads the next PDU, blocking the calling thread; same results and exceptions as <see cref="ReadAsync"/>.
    /// A receive timeout set on the underlying socket surfaces as an <see cref="IOException"/>.
    /// </summary>
    public Pdu? Read()
    {
        var got = _stream.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            return null;
        }

        if (got < PduCodec.HeaderLength)
        {
            throw new EndOfStreamException("The connection closed inside a PDU header.");
        }

        var type = _header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(2));
        PduCodec.ValidateHeader(type, length, _limits);
        if (_borrowPData && type == (byte)PduType.PData)
        {
            if (_pdataBuffer is null || _pdataBuffer.Length < length)
            {
                _pdataBuffer = new byte[Math.Max(length, 4096)];
            }

            var data = _pdataBuffer.AsMemory(0, (int)length);
            if (_stream.ReadAtLeast(data.Span, (int)length, throwOnEndOfStream: false) < length)
            {
                throw new EndOfStreamException($"The connection closed inside a PDU body of {length} bytes.");
            }

            return PduCodec.DecodePDataBorrowed(data);
        }

        var body = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
        try
        {
            var span = body.AsSpan(0, (int)length);
            if (_stream.ReadAtLeast(span, (int)length, throwOnEndOfStream: false) < length)
            {
                throw new EndOfStreamException($"The connection closed inside a PDU body of {length} bytes.");
            }

            return PduCodec.DecodeBody(type, span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async ValueTask<int> ReadAtLeastAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
}
