using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class JpegLsCodecTests
{
    [Fact]
    public void IsAvailable_WithLibcharls2Installed_IsTrue()
    {
        Assert.True(JpegLsCodec.IsAvailable, "libcharls.so.2 (Debian libcharls2) must be installed on this machine");
        Assert.True(TransferSyntaxCodecs.CanDecode(TransferSyntaxCodecs.JpegLsLossless));
    }

    [Fact]
    public void Decode_PydicomJpegLsFile_EqualsUncompressedSibling()
    {
        CodecTestDicomFile jls = CodecTestDicomFile.Read(TestFile("MR_small_jpeg_ls_lossless.dcm"));
        CodecTestDicomFile native = CodecTestDicomFile.Read(TestFile("MR_small.dcm"));
        Assert.Equal(TransferSyntaxCodecs.JpegLsLossless, jls.TransferSyntaxUid);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jls);

        CodecTestData.AssertSameFrames(decoded, jls.Description(), CodecTestData.NativeFrames(native), native.Description());
    }

    [Theory]
    [InlineData("CT_small.dcm", "+il")]
    [InlineData("MR_small.dcm", "+il")]
    [InlineData("SC_rgb_small_odd.dcm", "+il")]
    [InlineData("SC_rgb_small_odd.dcm", "+is")]
    [InlineData("SC_rgb_small_odd.dcm", "+in")]
    public void Decode_DcmcjplsLosslessOutput_EqualsOriginalPixels(string name, string interleave)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile(name));
        CodecTestDicomFile jls = CodecTestData.Convert(temp, "dcmcjpls", TestFile(name), "+el", interleave);
        Assert.Equal(TransferSyntaxCodecs.JpegLsLossless, jls.TransferSyntaxUid);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jls);

        CodecTestData.AssertSameFrames(decoded, jls.Description(), CodecTestData.NativeFrames(original), original.Description());
    }

    [Fact]
    public void Decode_Signed12BitDcmcjplsOutput_EqualsOriginalPixels()
    {
        using var temp = new TempFolder();
        string path = CodecTestData.CreateSigned12BitCt(temp);
        CodecTestDicomFile original = CodecTestDicomFile.Read(path);
        CodecTestDicomFile jls = CodecTestData.Convert(temp, "dcmcjpls", path);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jls);

        CodecTestData.AssertSameFrames(decoded, jls.Description(), CodecTestData.NativeFrames(original), original.Description());
    }

    [Fact]
    public void Decode_PlanarConfigurationOneRequested_ReturnsColourByPlane()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile("SC_rgb_small_odd.dcm"));
        CodecTestDicomFile jls = CodecTestData.Convert(temp, "dcmcjpls", TestFile("SC_rgb_small_odd.dcm"), "+el", "+is");
        ImagePixelDescription planar = jls.Description() with { PlanarConfiguration = 1 };

        byte[] decoded = JpegLsCodec.Decode(jls.Fragments[0].Span, planar);

        byte[] expected = PixelDataConverter.ToPlanarConfiguration(CodecTestData.NativeFrames(original)[0], original.Description(), 1);
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void Decode_DcmcjplsNearLossless_EqualsDcmdjplsAndStaysWithinNear()
    {
        using var temp = new TempFolder();
        // dcmcjpls encodes near-lossless for unsigned data only: use the 8-bit RGB image.
        CodecTestDicomFile original = CodecTestData.Convert(temp, "dcmdrle", TestFile("SC_rgb_rle.dcm"));
        string originalPath = temp.File("rgb.dcm");
        File.WriteAllBytes(originalPath, original.Bytes);
        CodecTestDicomFile jls = CodecTestData.Convert(temp, "dcmcjpls", originalPath, "+en");
        Assert.Equal(TransferSyntaxCodecs.JpegLsNearLossless, jls.TransferSyntaxUid);
        string jlsPath = temp.File("near.dcm");
        File.WriteAllBytes(jlsPath, jls.Bytes);
        CodecTestDicomFile reference = CodecTestData.Convert(temp, "dcmdjpls", jlsPath);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jls);

        CodecTestData.AssertSameFrames(decoded, jls.Description(), CodecTestData.NativeFrames(reference), reference.Description());
        int[] before = PixelDataConverter.ToInt32(CodecTestData.NativeFrames(original)[0], original.Description());
        int[] after = PixelDataConverter.ToInt32(decoded[0], jls.Description());
        int worst = before.Zip(after, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 1, 2);
    }

    [Fact]
    public void Decode_TruncatedOrGarbled_ThrowsDicomException()
    {
        CodecTestDicomFile jls = CodecTestDicomFile.Read(TestFile("MR_small_jpeg_ls_lossless.dcm"));
        ImagePixelDescription d = jls.Description();
        byte[] stream = jls.Fragments[0].ToArray();
        byte[] garbled = (byte[])stream.Clone();
        for (int i = 40; i < garbled.Length; i += 7)
        {
            garbled[i] = 0xFF;
        }

        Assert.Throws<DicomException>(() => JpegLsCodec.Decode(stream.AsSpan(0, stream.Length / 2), d));
        Assert.Throws<DicomException>(() => JpegLsCodec.Decode(stream.AsSpan(0, 10), d));
        Assert.Throws<DicomException>(() => JpegLsCodec.Decode(garbled, d));
        Assert.Throws<DicomException>(() => JpegLsCodec.Decode(stream, d with { Columns = 32 }));
    }
}
