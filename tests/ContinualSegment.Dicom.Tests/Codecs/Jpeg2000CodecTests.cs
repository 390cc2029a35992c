using System.Globalization;
using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class Jpeg2000CodecTests
{
    [Fact]
    public void IsAvailable_WithLibopenjp2Installed_IsTrue()
    {
        Assert.True(Jpeg2000Codec.IsAvailable, "libopenjp2.so.7 (Debian libopenjp2-7) must be installed on this machine");
        Assert.True(TransferSyntaxCodecs.CanDecode(TransferSyntaxCodecs.Jpeg2000));
    }

    [Fact]
    public void Decode_PydicomLosslessFile_EqualsUncompressedSibling()
    {
        CodecTestDicomFile j2k = CodecTestDicomFile.Read(TestFile("MR_small_jp2klossless.dcm"));
        CodecTestDicomFile native = CodecTestDicomFile.Read(TestFile("MR_small.dcm"));
        Assert.Equal(TransferSyntaxCodecs.Jpeg2000Lossless, j2k.TransferSyntaxUid);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(j2k);

        CodecTestData.AssertSameFrames(decoded, j2k.Description(), CodecTestData.NativeFrames(native), native.Description());
    }

    [Theory]
    [InlineData("JPEG2000.dcm")]
    [InlineData("693_J2KI.dcm")]
    [InlineData("J2K_pixelrep_mismatch.dcm")]
    public void Decode_LossyFile_EqualsPydicomPillowDecode(string name)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile j2k = CodecTestDicomFile.Read(TestFile(name));
        string raw = temp.File("pixels.raw");
        Run(Python, "-c", "import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); open(sys.argv[2], 'wb').write(ds.pixel_array.astype('<i4').tobytes())", TestFile(name), raw);
        byte[] expectedBytes = File.ReadAllBytes(raw);
        int[] expected = new int[expectedBytes.Length / 4];
        Buffer.BlockCopy(expectedBytes, 0, expected, 0, expectedBytes.Length);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(j2k);

        int[] ours = PixelDataConverter.ToInt32(decoded[0], j2k.Description());
        Assert.Equal(expected.Length, ours.Length);
        int firstDifference = ours.AsSpan().CommonPrefixLength(expected);
        Assert.True(firstDifference == ours.Length, string.Create(CultureInfo.InvariantCulture, $"first difference at sample {firstDifference}"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Decode_PillowLosslessRgbCodestream_EqualsOriginalPixels(bool jp2)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestData.Convert(temp, "dcmdrle", TestFile("SC_rgb_rle.dcm"));
        ImagePixelDescription d = original.Description();
        byte[] frame = CodecTestData.NativeFrames(original)[0];
        File.WriteAllBytes(temp.File("rgb.raw"), frame);
        string encoded = temp.File(jp2 ? "rgb.jp2" : "rgb.j2k");
        Run(
            Python,
            "-c",
            "import sys; from PIL import Image; im = Image.frombytes('RGB', (int(sys.argv[3]), int(sys.argv[4])), open(sys.argv[1], 'rb').read()); im.save(sys.argv[2], 'JPEG2000', irreversible=False, mct=1, no_jp2=sys.argv[2].endswith('.j2k'))",
            temp.File("rgb.raw"),
            encoded,
            d.Columns.ToString(CultureInfo.InvariantCulture),
            d.Rows.ToString(CultureInfo.InvariantCulture));

        byte[] decoded = PixelDataDecoder.DecodeFrame(TransferSyntaxCodecs.Jpeg2000Lossless, d, File.ReadAllBytes(encoded));

        Assert.Equal(frame, decoded);
    }

    [Fact]
    public void Decode_TruncatedOrGarbled_ThrowsDicomException()
    {
        CodecTestDicomFile j2k = CodecTestDicomFile.Read(TestFile("MR_small_jp2klossless.dcm"));
        ImagePixelDescription d = j2k.Description();
        byte[] stream = j2k.Fragments[0].ToArray();

        Assert.Throws<DicomException>(() => Jpeg2000Codec.Decode(stream.AsSpan(0, 30), d));
        Assert.Throws<DicomException>(() => Jpeg2000Codec.Decode(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, d));
        Assert.Throws<DicomException>(() => Jpeg2000Codec.Decode(stream, d with { Rows = 63 }));
    }
}
