using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The reader's read-ahead buffer: PDUs split over many receives, several in one, and larger than the buffer.</summary>
public sealed class PduReaderBufferingTests
{
    private static readonly PduLimits Limits = new() { MaxPDataLength = 1024 * 1024 };

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 7)]
    [InlineData(false, 100_000)]
    [InlineData(true, 3)]
    [InlineData(true, 1 << 20)]
    public async Task PdusAcrossArbitraryReceiveBoundaries_DecodeToTheSentPayloads(bool blocking, int maxChunk)
    {
        var payloads = new List<byte[]>();
        var random = new Random(maxChunk);
        foreach (var size in new[] { 10, 16_000, 65_530, 600_000, 3, 200_000, 70_000 })
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            payloads.Add(payload);
        }

        var bytes = payloads.SelectMany((p, i) => RawPdu.PData(1, false, i == payloads.Count - 1, p)).Concat(RawPdu.ReleaseRq()).ToArray();
        var reader = new PduReader(new ChunkedStream(bytes, maxChunk, random), Limits, borrowPData: true);
        foreach (var payload in payloads)
        {
            var pdu = blocking ? reader.Read() : await reader.ReadAsync(CancellationToken.None);
            var data = Assert.IsType<PDataTfPdu>(pdu);
            Assert.Equal(payload, data.Values.Single().Data.ToArray());
        }

        Assert.IsType<ReleaseRequestPdu>(blocking ? reader.Read() : await reader.ReadAsync(CancellationToken.None));
        Assert.Null(blocking ? reader.Read() : await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public void EndInsideABufferedHeader_IsAnEndOfStream()
    {
        var bytes = RawPdu.PData(1, true, true, [1, 2, 3]).Concat(new byte[] { 0x04, 0, 0 }).ToArray();
        var reader = new PduReader(new MemoryStream(bytes), Limits);
        Assert.IsType<PDataTfPdu>(reader.Read());
        Assert.Throws<EndOfStreamException>(() => reader.Read());
    }

    /// <summary>Hands out at most a random number of bytes (up to maxChunk) per read.</summary>
    private sealed class ChunkedStream(byte[] data, int maxChunk, Random random) : MemoryStream(data)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, random.Next(1, maxChunk + 1))]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
