using System.Buffers.Binary;
using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class RleCodecTests
{
    [Theory]
    [InlineData("MR_small_RLE.dcm", "MR_small.dcm")]
    [InlineData("rtdose_rle.dcm", "rtdose.dcm")]
    [InlineData("rtdose_rle_1frame.dcm", "rtdose_1frame.dcm")]
    public void Decode_PydicomRleFile_EqualsUncompressedSibling(string compressed, string uncompressed)
    {
        CodecTestDicomFile rle = CodecTestDicomFile.Read(TestFile(compressed));
        CodecTestDicomFile native = CodecTestDicomFile.Read(TestFile(uncompressed));
        Assert.Equal(TransferSyntaxCodecs.RleLossless, rle.TransferSyntaxUid);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(rle);

        CodecTestData.AssertSameFrames(decoded, rle.Description(), CodecTestData.NativeFrames(native), native.Description());
    }

    [Theory]
    [InlineData("SC_rgb_rle.dcm")]
    [InlineData("SC_rgb_rle_2frame.dcm")]
    [InlineData("SC_rgb_rle_16bit.dcm")]
    [InlineData("SC_rgb_rle_16bit_2frame.dcm")]
    [InlineData("SC_rgb_rle_32bit.dcm")]
    [InlineData("SC_rgb_rle_32bit_2frame.dcm")]
    public void Decode_PydicomRgbRleFile_EqualsDcmdrleOutput(string compressed)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile rle = CodecTestDicomFile.Read(TestFile(compressed));
        CodecTestDicomFile reference = CodecTestData.Convert(temp, "dcmdrle", TestFile(compressed));

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(rle);

        CodecTestData.AssertSameFrames(decoded, rle.Description(), CodecTestData.NativeFrames(reference), reference.Description());
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    [InlineData("rtdose.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    public void Decode_DcmcrleOutput_EqualsOriginalPixels(string name)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile(name));
        CodecTestDicomFile rle = CodecTestData.Convert(temp, "dcmcrle", TestFile(name));
        Assert.Equal(TransferSyntaxCodecs.RleLossless, rle.TransferSyntaxUid);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(rle);

        CodecTestData.AssertSameFrames(decoded, rle.Description(), CodecTestData.NativeFrames(original), original.Description());
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    [InlineData("signed12")]
    public void Encode_DecodedByDcmdrle_EqualsOriginalPixels(string name)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(name == "signed12" ? CodecTestData.CreateSigned12BitCt(temp) : TestFile(name));
        ImagePixelDescription d = original.Description();
        byte[][] frames = CodecTestData.NativeFrames(original);
        string encodedPath = temp.File("ours-rle.dcm");
        CodecTestData.WriteEncapsulated(original, encodedPath, TransferSyntaxCodecs.RleLossless, frames.Select(f => RleCodec.Encode(f, d)));

        CodecTestDicomFile decodedByDcmtk = CodecTestData.Convert(temp, "dcmdrle", encodedPath);

        CodecTestData.AssertSameFrames(frames, d, CodecTestData.NativeFrames(decodedByDcmtk), decodedByDcmtk.Description());
    }

    [Fact]
    public void Encode_MultiFrame32Bit_DecodedByPydicom_EqualsOriginalPixels()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile("rtdose.dcm"));
        ImagePixelDescription d = original.Description();
        byte[][] frames = CodecTestData.NativeFrames(original);
        for (int f = 0; f < frames.Length; f++)
        {
            byte[] encoded = RleCodec.Encode(frames[f], d);
            Assert.Equal(0, encoded.Length % 2);
            File.WriteAllBytes(temp.File($"frame{f}.rle"), encoded);
        }

        // pydicom returns each frame colour-by-plane with every sample's bytes little endian.
        string script = string.Join('\n',
            "import sys",
            "from pydicom.pixel_data_handlers.rle_handler import _rle_decode_frame",
            "folder, n, rows, cols, bits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])",
            "for f in range(n):",
            "    data = open(f'{folder}/frame{f}.rle', 'rb').read()",
            "    open(f'{folder}/frame{f}.raw', 'wb').write(bytes(_rle_decode_frame(data, rows, cols, 1, bits)))");
        Run(Python, "-c", script, temp.Path, frames.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Columns.ToString(System.Globalization.CultureInfo.InvariantCulture), d.BitsAllocated.ToString(System.Globalization.CultureInfo.InvariantCulture));

        for (int f = 0; f < frames.Length; f++)
        {
            Assert.Equal(frames[f], File.ReadAllBytes(temp.File($"frame{f}.raw")));
        }
    }

    [Theory]
    [InlineData(1, 8, 0)]
    [InlineData(3, 8, 0)]
    [InlineData(3, 8, 1)]
    [InlineData(1, 16, 0)]
    [InlineData(3, 16, 1)]
    [InlineData(1, 32, 0)]
    public void EncodeThenDecode_SyntheticImage_RoundTrips(int samples, int bits, int planar)
    {
        var d = new ImagePixelDescription(37, 301, samples, bits, bits, bits - 1, 0, planar, samples == 1 ? "MONOCHROME2" : "RGB", 1);
        var random = new Random(1234);
        byte[] frame = new byte[d.FrameLength];

        // Runs, literals and noise, so that both PackBits forms and row boundaries are exercised.
        for (int i = 0; i < frame.Length; i++)
        {
            frame[i] = (i / 97 % 3) switch
            {
                0 => (byte)(i / 211),
                1 => (byte)random.Next(256),
                _ => (byte)(i % 5 == 0 ? 7 : 9),
            };
        }

        byte[] encoded = RleCodec.Encode(frame, d);
        byte[] decoded = RleCodec.Decode(encoded, d);

        Assert.Equal(frame, decoded);
        Assert.Equal(0, encoded.Length % 2);
        uint segments = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        Assert.Equal((uint)(samples * bits / 8), segments);
        for (int s = 0; s < segments; s++)
        {
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4 + (4 * s))) % 2);
        }
    }

    [Fact]
    public void Decode_TruncatedFrame_ThrowsDicomException()
    {
        var d = ImagePixelDescription.Monochrome(64, 64, 16, 16, signed: true);
        CodecTestDicomFile rle = CodecTestDicomFile.Read(TestFile("MR_small_RLE.dcm"));
        byte[] frame = rle.Fragments[0].ToArray();

        Assert.Throws<DicomException>(() => RleCodec.Decode(frame.AsSpan(0, frame.Length / 2), d));
        Assert.Throws<DicomException>(() => RleCodec.Decode(frame.AsSpan(0, 40), d));
    }

    [Fact]
    public void Decode_BadHeader_ThrowsDicomException()
    {
        var d = ImagePixelDescription.Monochrome(64, 64, 16, 16, signed: true);
        byte[] frame = CodecTestDicomFile.Read(TestFile("MR_small_RLE.dcm")).Fragments[0].ToArray();

        byte[] wrongCount = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(wrongCount, 3);
        byte[] offsetPastEnd = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(offsetPastEnd.AsSpan(8), (uint)frame.Length + 10);
        byte[] offsetInHeader = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(offsetInHeader.AsSpan(4), 12);

        Assert.Throws<DicomException>(() => RleCodec.Decode(wrongCount, d));
        Assert.Throws<DicomException>(() => RleCodec.Decode(offsetPastEnd, d));
        Assert.Throws<DicomException>(() => RleCodec.Decode(offsetInHeader, d));
    }

    [Fact]
    public void Decode_RunOverrunningImage_ThrowsDicomException()
    {
        var d = ImagePixelDescription.Monochrome(2, 2, 8, 8, signed: false);
        byte[] frame = new byte[68];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), 64);
        frame[64] = unchecked((byte)-9); // replicate 10 bytes into a 4-byte image
        frame[65] = 5;

        Assert.Throws<DicomException>(() => RleCodec.Decode(frame, d));
    }

    [Fact]
    public void Encode_TooManySegments_ThrowsDicomException()
    {
        var d = new ImagePixelDescription(2, 2, 4, 32, 32, 31, 0, 0, "ARGB", 1);

        Assert.Throws<DicomException>(() => RleCodec.Encode(new byte[d.FrameLength], d));
    }
}
