using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class JpegLosslessTests
{
    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    public void Decode_DcmcjpegSV1Output_EqualsOriginalPixels(string name)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile(name));
        CodecTestDicomFile jpeg = CodecTestData.Convert(temp, "dcmcjpeg", TestFile(name), "+e1");
        Assert.Equal(TransferSyntaxCodecs.JpegLosslessSV1, jpeg.TransferSyntaxUid);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jpeg);

        CodecTestData.AssertSameFrames(decoded, jpeg.Description(), CodecTestData.NativeFrames(original), original.Description());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Decode_DcmcjpegEveryPredictor_EqualsOriginalPixels(int predictor)
    {
        using var temp = new TempFolder();
        string sv = predictor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string name in new[] { "CT_small.dcm", "SC_rgb_small_odd.dcm" })
        {
            CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile(name));
            CodecTestDicomFile jpeg = CodecTestData.Convert(temp, "dcmcjpeg", TestFile(name), "+el", "+sv", sv);
            Assert.Equal(TransferSyntaxCodecs.JpegLossless, jpeg.TransferSyntaxUid);

            IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jpeg);

            CodecTestData.AssertSameFrames(decoded, jpeg.Description(), CodecTestData.NativeFrames(original), original.Description());
        }
    }

    [Fact]
    public void Decode_DcmcjpegPointTransform_EqualsDcmdjpegOutput()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile jpeg = CodecTestData.Convert(temp, "dcmcjpeg", TestFile("MR_small.dcm"), "+el", "+sv", "1", "+pt", "2");
        CodecTestDicomFile reference = CodecTestData.Convert(temp, "dcmdjpeg", WriteBack(temp, jpeg));

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jpeg);

        CodecTestData.AssertSameFrames(decoded, jpeg.Description(), CodecTestData.NativeFrames(reference), reference.Description());

        // The point transform drops the two low bits, so the result differs from the original but keeps its high bits.
        byte[] original = CodecTestData.NativeFrames(CodecTestDicomFile.Read(TestFile("MR_small.dcm")))[0];
        Assert.NotEqual(original, decoded[0]);
        Assert.Equal(original[1], decoded[0][1]);
    }

    [Fact]
    public void Decode_MultiFrameSplitIntoFragmentsWithoutOffsetTable_EqualsOriginalPixels()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestData.Convert(temp, "dcmdrle", TestFile("SC_rgb_rle_2frame.dcm"));
        string originalPath = WriteBack(temp, original);
        CodecTestDicomFile jpeg = CodecTestData.Convert(temp, "dcmcjpeg", originalPath, "+e1", "+fs", "1", "-ot");
        Assert.True(jpeg.Fragments.Count > 2, "expected several fragments per frame");
        Assert.Empty(jpeg.BasicOffsetTable);

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jpeg);

        CodecTestData.AssertSameFrames(decoded, jpeg.Description(), CodecTestData.NativeFrames(original), original.Description());
    }

    [Theory]
    [InlineData("CT_small.dcm", 1, 0)]
    [InlineData("CT_small.dcm", 6, 0)]
    [InlineData("CT_small.dcm", 1, 16)]
    [InlineData("CT_small.dcm", 7, 5)]
    [InlineData("SC_rgb_small_odd.dcm", 1, 0)]
    [InlineData("SC_rgb_small_odd.dcm", 4, 1)]
    [InlineData("MR_small.dcm", 1, 0)]
    public void Encode_DecodedByDcmdjpegAndOurDecoder_EqualsOriginalPixels(string name, int predictor, int restartRows)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile original = CodecTestDicomFile.Read(TestFile(name));
        ImagePixelDescription d = original.Description();
        byte[][] frames = CodecTestData.NativeFrames(original);
        byte[][] encoded = [.. frames.Select(f => JpegLosslessEncoder.Encode(f, d, predictor, restartRows))];
        string path = temp.File("ours-jpeg.dcm");
        string uid = predictor == 1 ? TransferSyntaxCodecs.JpegLosslessSV1 : TransferSyntaxCodecs.JpegLossless;
        CodecTestData.WriteEncapsulated(original, path, uid, encoded);

        CodecTestDicomFile byDcmtk = CodecTestData.Convert(temp, "dcmdjpeg", path);
        IReadOnlyList<byte[]> byUs = PixelDataDecoder.DecodeFrames(uid, d, [.. encoded.Select(e => new ReadOnlyMemory<byte>(e))]);

        CodecTestData.AssertSameFrames(frames, d, CodecTestData.NativeFrames(byDcmtk), byDcmtk.Description());
        CodecTestData.AssertSameFrames(byUs, d, frames, d);
        if (restartRows > 0)
        {
            Assert.True(encoded[0].AsSpan().IndexOf(new byte[] { 0xFF, 0xD0 }) > 0, "restart marker expected");
        }
    }

    [Fact]
    public void Signed12Bit_DcmcjpegOutputAndOurEncoding_DecodeToSignExtendedOriginal()
    {
        using var temp = new TempFolder();
        string path = CodecTestData.CreateSigned12BitCt(temp);
        CodecTestDicomFile original = CodecTestDicomFile.Read(path);
        ImagePixelDescription d = original.Description();
        byte[] frame = CodecTestData.NativeFrames(original)[0];
        Assert.Contains(PixelDataConverter.ToInt16(frame, d), v => v < 0);
        CodecTestDicomFile byDcmtk = CodecTestData.Convert(temp, "dcmcjpeg", path, "+e1");

        // Our encoder keeps 12 bits (precision 12), so the decoder has to restore the sign bits.
        byte[] ours = JpegLosslessEncoder.Encode(frame, d);
        string oursPath = temp.File("ours12.dcm");
        CodecTestData.WriteEncapsulated(original, oursPath, TransferSyntaxCodecs.JpegLosslessSV1, [ours]);
        CodecTestDicomFile oursByDcmtk = CodecTestData.Convert(temp, "dcmdjpeg", oursPath);

        Assert.Equal(frame, CodecTestData.DecodeAll(byDcmtk)[0]);
        Assert.Equal(frame, JpegLosslessDecoder.Decode(ours, d));
        Assert.Equal(PixelDataConverter.ToInt16(frame, d), PixelDataConverter.ToInt16(CodecTestData.NativeFrames(oursByDcmtk)[0], d));
    }

    [Theory]
    [InlineData(8, 2, 1)]
    [InlineData(8, 7, 3)]
    [InlineData(8, 8, 1)]
    [InlineData(16, 9, 1)]
    [InlineData(16, 12, 1)]
    [InlineData(16, 15, 3)]
    [InlineData(16, 16, 1)]
    [InlineData(16, 16, 3)]
    public void Encode_SyntheticNoiseAtEachPrecision_RoundTrips(int bitsAllocated, int bitsStored, int samples)
    {
        var d = new ImagePixelDescription(50, 70, samples, bitsAllocated, bitsStored, bitsStored - 1, 0, 0, samples == 1 ? "MONOCHROME2" : "RGB", 1);
        var random = new Random(bitsStored);
        byte[] frame = new byte[d.FrameLength];
        for (int i = 0; i < frame.Length; i += d.BytesPerSample)
        {
            // Full-range noise gives every difference category, including 16 (difference 32768).
            int v = random.Next(1 << bitsStored);
            frame[i] = (byte)v;
            if (d.BytesPerSample == 2)
            {
                frame[i + 1] = (byte)(v >> 8);
            }
        }

        byte[] encoded = JpegLosslessEncoder.Encode(frame, d, predictor: 1 + (bitsStored % 7));

        Assert.Equal(frame, JpegLosslessDecoder.Decode(encoded, d));
    }

    [Fact]
    public void Decode_BaselineJpeg_ThrowsNotLossless()
    {
        CodecTestDicomFile lossy = CodecTestDicomFile.Read(TestFile("SC_rgb_jpeg_dcmtk.dcm"));

        var e = Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(lossy.Fragments[0].Span, lossy.Description()));
        Assert.Contains("SOF0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TruncatedOrGarbled_ThrowsDicomException()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile jpeg = CodecTestData.Convert(temp, "dcmcjpeg", TestFile("CT_small.dcm"), "+e1");
        ImagePixelDescription d = jpeg.Description();
        byte[] stream = jpeg.Fragments[0].ToArray();

        Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream.AsSpan(0, stream.Length / 3), d));
        Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream.AsSpan(0, 100), d));
        Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream.AsSpan(0, 3), d));
        Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 }, d));
        Assert.Throws<DicomException>(() => JpegLosslessDecoder.Decode(stream, d with { Rows = 127 }));
    }

    private static string WriteBack(TempFolder temp, CodecTestDicomFile file)
    {
        string path = temp.File($"copy-{Guid.NewGuid():N}.dcm");
        File.WriteAllBytes(path, file.Bytes);
        return path;
    }
}
