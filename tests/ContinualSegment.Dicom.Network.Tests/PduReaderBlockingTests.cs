using System.Runtime.InteropServices;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The blocking read path and the borrowed P-DATA buffer the association's reader uses.</summary>
public sealed class PduReaderBlockingTests
{
    [Fact]
    public void BlockingRead_ReadsConsecutivePdus_ThenNullAtCleanEnd()
    {
        var bytes = RawPdu.AssociateRq().Concat(RawPdu.PData(1, true, true, [1, 2])).Concat(RawPdu.ReleaseRq()).ToArray();
        var reader = new PduReader(new MemoryStream(bytes), new PduLimits());
        Assert.IsType<AssociateRequestPdu>(reader.Read());
        var data = Assert.IsType<PDataTfPdu>(reader.Read());
        Assert.Equal(new byte[] { 1, 2 }, data.Values[0].Data.ToArray());
        Assert.IsType<ReleaseRequestPdu>(reader.Read());
        Assert.Null(reader.Read());
    }

    [Fact]
    public void BlockingRead_RejectsAnOversizedLengthBeforeTheBody()
    {
        var reader = new PduReader(new MemoryStream([0x04, 0, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3]), new PduLimits());
        var ex = Assert.Throws<PduFormatException>(() => reader.Read());
        Assert.True(ex.FramingLost);
    }

    [Fact]
    public void BlockingRead_TruncatedBody_IsEndOfStream()
    {
        var bytes = RawPdu.PData(1, false, true, new byte[100]);
        var reader = new PduReader(new MemoryStream(bytes[..^10]), new PduLimits());
        Assert.Throws<EndOfStreamException>(() => reader.Read());
    }

    [Fact]
    public async Task BorrowedPData_ValuesMatchTheCopyingDecoder_AndShareOneBuffer()
    {
        byte[] first = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        byte[] second = [.. Enumerable.Range(0, 300).Select(i => (byte)(255 - (i % 256)))];
        var twoPdvs = RawPdu.Pdu(0x04, [.. RawPdu.U32(2 + 3), 1, 0x03, 7, 8, 9], [.. RawPdu.U32(2 + 2), 3, 0x00, 5, 6]);
        var bytes = RawPdu.PData(1, false, false, first).Concat(twoPdvs).Concat(RawPdu.PData(1, false, true, second)).ToArray();
        var copying = new PduReader(new MemoryStream(bytes), new PduLimits());
        var borrowing = new PduReader(new MemoryStream(bytes), new PduLimits(), borrowPData: true);

        var a = (PDataTfPdu)(await borrowing.ReadAsync(CancellationToken.None))!;
        Assert.Equal(first, a.Values[0].Data.ToArray());
        Assert.Equal(((PDataTfPdu)(await copying.ReadAsync(CancellationToken.None))!).Values[0], a.Values[0], PdvComparer.Instance);

        var b = (PDataTfPdu)borrowing.Read()!;
        var expected = ((PDataTfPdu)(await copying.ReadAsync(CancellationToken.None))!).Values;
        Assert.Equal(expected.Count, b.Values.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], b.Values[i], PdvComparer.Instance);
        }

        // Borrowed values of successive reads point into the reader's one receive buffer, not into copies.
        var c = (PDataTfPdu)borrowing.Read()!;
        Assert.Equal(second, c.Values[0].Data.ToArray());
        Assert.True(MemoryMarshal.TryGetArray(a.Values[0].Data, out var aBytes));
        Assert.True(MemoryMarshal.TryGetArray(c.Values[0].Data, out var cBytes));
        Assert.Same(aBytes.Array, cBytes.Array);
        Assert.True(MemoryMarshal.TryGetArray(expected[0].Data, out var copied));
        Assert.NotSame(aBytes.Array, copied.Array);
    }

    private sealed class PdvComparer : IEqualityComparer<PresentationDataValue>
    {
        public static readonly PdvComparer Instance = new();

        public bool Equals(PresentationDataValue? x, PresentationDataValue? y) =>
            x is not null && y is not null && x.PresentationContextId == y.PresentationContextId && x.IsCommand == y.IsCommand
            && x.IsLastFragment == y.IsLastFragment && x.Data.Span.SequenceEqual(y.Data.Span);

        public int GetHashCode(PresentationDataValue obj) => obj.PresentationContextId;
    }
}
