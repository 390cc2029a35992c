using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class PixelDataDecoderTests
{
    [Fact]
    public void GroupFragments_ByOffsetTable_SplitsAtItemOffsets()
    {
        var d = ImagePixelDescription.Monochrome(1, 1, 8, 8, signed: false, numberOfFrames: 2);
        ReadOnlyMemory<byte> a = new byte[10];
        ReadOnlyMemory<byte> b = new byte[6];
        ReadOnlyMemory<byte> c = new byte[4];

        // Frame 2 starts after two items: (8 + 10) + (8 + 6) = 32 bytes.
        var groups = PixelDataDecoder.GroupFragments(TransferSyntaxCodecs.RleLossless, d, [a, b, c], [0, 32]);

        Assert.Equal(2, groups.Count);
        Assert.Equal(2, groups[0].Count);
        Assert.Single(groups[1]);
        Assert.Equal(4, groups[1][0].Length);
    }

    [Fact]
    public void GroupFragments_OffsetNotAtItemBoundary_ThrowsDicomException()
    {
        var d = ImagePixelDescription.Monochrome(1, 1, 8, 8, signed: false, numberOfFrames: 2);
        ReadOnlyMemory<byte> a = new byte[10];
        ReadOnlyMemory<byte> b = new byte[6];

        Assert.Throws<DicomException>(() => PixelDataDecoder.GroupFragments(TransferSyntaxCodecs.RleLossless, d, [a, b], [0, 20]));
        Assert.Throws<DicomException>(() => PixelDataDecoder.GroupFragments(TransferSyntaxCodecs.RleLossless, d, [a, b], [0, 400]));
        Assert.Throws<DicomException>(() => PixelDataDecoder.GroupFragments(TransferSyntaxCodecs.RleLossless, d, [a, b, b], null));
    }

    [Fact]
    public void DecodeFrames_RleWithOffsetTable_EqualsDcmdrleOutput()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile rle = CodecTestDicomFile.Read(TestFile("SC_rgb_rle_32bit_2frame.dcm"));
        CodecTestDicomFile native = CodecTestData.Convert(temp, "dcmdrle", TestFile("SC_rgb_rle_32bit_2frame.dcm"));
        Assert.Equal(2, rle.BasicOffsetTable.Count);

        IReadOnlyList<byte[]> decoded = PixelDataDecoder.DecodeFrames(rle.TransferSyntaxUid, rle.Description(), rle.Fragments, rle.BasicOffsetTable);

        CodecTestData.AssertSameFrames(decoded, rle.Description(), CodecTestData.NativeFrames(native), native.Description());
    }

    [Fact]
    public void DecodeNativeFrames_ExplicitBigEndian_SwapsToLittleEndian()
    {
        var d = ImagePixelDescription.Monochrome(1, 2, 16, 16, signed: false, numberOfFrames: 2);
        byte[] bigEndian = [0x12, 0x34, 0xAB, 0xCD, 0x00, 0x01, 0x02, 0x03];

        IReadOnlyList<byte[]> frames = PixelDataDecoder.DecodeNativeFrames(TransferSyntaxCodecs.ExplicitVRBigEndian, d, bigEndian);

        Assert.Equal(new byte[] { 0x34, 0x12, 0xCD, 0xAB }, frames[0]);
        Assert.Equal(new byte[] { 0x01, 0x00, 0x03, 0x02 }, frames[1]);
    }

    [Theory]
    [InlineData("MR_small_bigendian.dcm", "MR_small.dcm")]
    [InlineData("rtdose_expb.dcm", "rtdose.dcm")]
    public void DecodeNativeFrames_BigEndianFile_EqualsLittleEndianSibling(string bigEndian, string littleEndian)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile native = CodecTestDicomFile.Read(TestFile(littleEndian));
        ImagePixelDescription d = native.Description();
        string raw = temp.File("pixels.raw");

        // pydicom keeps the pixel data value as stored in the file (big endian), which this test wants.
        Run(Python, "-c", "import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); assert not ds.is_little_endian; open(sys.argv[2], 'wb').write(ds.PixelData)", TestFile(bigEndian), raw);

        IReadOnlyList<byte[]> frames = PixelDataDecoder.DecodeNativeFrames(TransferSyntaxCodecs.ExplicitVRBigEndian, d, File.ReadAllBytes(raw));

        CodecTestData.AssertSameFrames(frames, d, CodecTestData.NativeFrames(native), d);
    }

    [Fact]
    public void DecodeNativeFrames_TooShort_ThrowsDicomException()
    {
        var d = ImagePixelDescription.Monochrome(2, 2, 16, 16, signed: false, numberOfFrames: 2);

        Assert.Throws<DicomException>(() => PixelDataDecoder.DecodeNativeFrames(TransferSyntaxCodecs.ExplicitVRLittleEndian, d, new byte[15]));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.100")]
    [InlineData("1.2.840.10008.1.2.4.201")]
    [InlineData("1.2.840.10008.1.2.4.53")]
    public void DecodeFrame_UnsupportedTransferSyntax_ThrowsNotSupported(string uid)
    {
        var d = ImagePixelDescription.Monochrome(1, 1, 8, 8, signed: false);

        var e = Assert.Throws<DicomException>(() => PixelDataDecoder.DecodeFrame(uid, d, new byte[] { 0xFF, 0xD8 }));

        Assert.Contains("not supported", e.Message, StringComparison.Ordinal);
        Assert.Contains(uid, e.Message, StringComparison.Ordinal);
        Assert.False(TransferSyntaxCodecs.CanDecode(uid));
    }

    [Fact]
    public void Registry_ListsDecodableAndEncodableSyntaxes()
    {
        foreach (string uid in new[]
        {
            TransferSyntaxCodecs.ExplicitVRLittleEndian, TransferSyntaxCodecs.ImplicitVRLittleEndian, TransferSyntaxCodecs.RleLossless,
            TransferSyntaxCodecs.JpegLossless, TransferSyntaxCodecs.JpegLosslessSV1, TransferSyntaxCodecs.JpegLsLossless,
            TransferSyntaxCodecs.JpegLsNearLossless, TransferSyntaxCodecs.Jpeg2000Lossless, TransferSyntaxCodecs.Jpeg2000,
            TransferSyntaxCodecs.JpegBaseline, TransferSyntaxCodecs.JpegExtended,
        })
        {
            Assert.True(TransferSyntaxCodecs.CanDecode(uid), uid);
        }

        Assert.True(TransferSyntaxCodecs.CanEncode(TransferSyntaxCodecs.RleLossless));
        Assert.True(TransferSyntaxCodecs.CanEncode(TransferSyntaxCodecs.JpegLosslessSV1));
        Assert.False(TransferSyntaxCodecs.CanEncode(TransferSyntaxCodecs.Jpeg2000));
        Assert.Throws<DicomException>(() => PixelDataEncoder.EncodeFrame(TransferSyntaxCodecs.JpegLsLossless, ImagePixelDescription.Monochrome(1, 1, 8, 8, false), new byte[1]));
    }

    [Fact]
    public void EncodeFrame_ThenDecodeFrame_RoundTripsForEachEncodableSyntax()
    {
        CodecTestDicomFile ct = CodecTestDicomFile.Read(TestFile("CT_small.dcm"));
        ImagePixelDescription d = ct.Description();
        byte[] frame = CodecTestData.NativeFrames(ct)[0];

        foreach (string uid in new[] { TransferSyntaxCodecs.RleLossless, TransferSyntaxCodecs.JpegLossless, TransferSyntaxCodecs.JpegLosslessSV1 })
        {
            byte[] encoded = PixelDataEncoder.EncodeFrame(uid, d, frame);
            Assert.True(encoded.Length < frame.Length, $"{uid} should compress");
            Assert.Equal(frame, PixelDataDecoder.DecodeFrame(uid, d, encoded));
        }
    }

    [Fact]
    public void Validate_BadDescription_ThrowsDicomException()
    {
        Assert.Throws<DicomException>(() => new ImagePixelDescription(0, 1, 1, 8, 8, 7, 0, 0, "MONOCHROME2", 1).Validate());
        Assert.Throws<DicomException>(() => new ImagePixelDescription(1, 1, 1, 12, 12, 11, 0, 0, "MONOCHROME2", 1).Validate());
        Assert.Throws<DicomException>(() => new ImagePixelDescription(1, 1, 1, 16, 17, 16, 0, 0, "MONOCHROME2", 1).Validate());
        Assert.Throws<DicomException>(() => new ImagePixelDescription(1, 1, 1, 16, 12, 16, 0, 0, "MONOCHROME2", 1).Validate());
        Assert.Throws<DicomException>(() => new ImagePixelDescription(1, 1, 2, 8, 8, 7, 0, 0, "MONOCHROME2", 1).Validate());
        Assert.Throws<DicomException>(() => new ImagePixelDescription(1, 1, 1, 8, 8, 7, 0, 0, "MONOCHROME2", 0).Validate());
    }
}
