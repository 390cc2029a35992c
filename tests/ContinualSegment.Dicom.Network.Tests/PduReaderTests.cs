using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

public sealed class PduReaderTests
{
    [Fact]
    public async Task ReadsConsecutivePdus_ThenNullAtCleanEnd()
    {
        var bytes = RawPdu.AssociateRq().Concat(RawPdu.PData(1, true, true, [1, 2])).Concat(RawPdu.ReleaseRq()).ToArray();
        var reader = new PduReader(new MemoryStream(bytes), new PduLimits());
        Assert.IsType<AssociateRequestPdu>(await reader.ReadAsync(CancellationToken.None));
        Assert.IsType<PDataTfPdu>(await reader.ReadAsync(CancellationToken.None));
        Assert.IsType<ReleaseRequestPdu>(await reader.ReadAsync(CancellationToken.None));
        Assert.Null(await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OversizedLength_IsRejectedBeforeTheBodyIsRead()
    {
        // The peer sends only the header; any attempt to read on (waiting for a 2 GiB body) fails the test.
        var stream = new HeaderOnlyStream([0x04, 0, 0x7F, 0xFF, 0xFF, 0xFF]);
        var reader = new PduReader(stream, new PduLimits());
        var ex = await Assert.ThrowsAsync<PduFormatException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
        Assert.True(ex.FramingLost);
        Assert.Equal(1, stream.Reads);
    }

    [Fact]
    public async Task UnknownType_IsRejectedFromTheHeader()
    {
        var reader = new PduReader(new MemoryStream(RawPdu.Pdu(0x55, [0, 0, 0, 0])), new PduLimits());
        var ex = await Assert.ThrowsAsync<PduFormatException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
        Assert.Equal(AbortReason.UnrecognizedPdu, ex.Reason);
    }

    [Fact]
    public async Task TruncatedBody_IsEndOfStream()
    {
        var bytes = RawPdu.AssociateRq();
        var reader = new PduReader(new MemoryStream(bytes[..^5]), new PduLimits());
        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task TruncatedHeader_IsEndOfStream()
    {
        var reader = new PduReader(new MemoryStream([0x05, 0, 0]), new PduLimits());
        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public void InvalidLimits_AreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PduReader(new MemoryStream(), new PduLimits { MaxPDataLength = 10 }));
    }

    private sealed class HeaderOnlyStream(byte[] header) : MemoryStream(header)
    {
        public int Reads { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            return Position < Length ? base.Read(buffer) : throw new InvalidOperationException("The body was waited for.");
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
