using ContinualSegment.Dicom.Codecs;
using ContinualSegment.Dicom.Tests.Codecs;

namespace ContinualSegment.Dicom.Tests;

/// <summary>
/// <see cref="DicomTranscoder"/> against dcmtk's own decompressors (dcmdrle, dcmdjpeg, dcmdjpls) and encoders'
/// readers, and against pydicom's same-image files in several transfer syntaxes.
/// </summary>
public sealed class TranscoderTests
{
    private const string TestFiles = CodecPeerTools.TestFiles;

    /// <summary>Compressed test files that cannot be transcoded, with the reason the exception must give.</summary>
    private static readonly Dictionary<string, string> NotTranscodable = new(StringComparer.Ordinal)
    {
        // pydicom's README: a copy of JPEG2000.dcm with 4 codestream bytes overwritten; not a valid JPEG 2000 stream.
        ["JPEG2000-embedded-sequence-delimiter.dcm"] = "JPEG 2000",
    };

    /// <summary>Inputs dcmtk itself cannot parse (so it has no decompression to compare with).</summary>
    private static readonly HashSet<string> DcmtkCannotRead = new(StringComparer.Ordinal) { "SC_rgb_jpeg.dcm" };

    public static TheoryData<string> CompressedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestFiles, "*.dcm").Order(StringComparer.Ordinal))
        {
            DicomFile header;
            try
            {
                header = DicomFile.Open(f, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
            }
            catch (DicomException)
            {
                continue; // damaged on purpose (e.g. MR_truncated.dcm); covered by the reader tests
            }

            if (header.TransferSyntax.IsEncapsulated)
            {
                data.Add(Path.GetFileName(f));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CompressedFiles))]
    public void Compressed_ToExplicitLittle_MatchesDcmtkDecompression(string name)
    {
        using var tmp = new CodecPeerTools.TempFolder();
        var input = Path.Combine(TestFiles, name);
        var source = DicomFile.Open(input);
        var ts = source.TransferSyntax;
        Assert.True(TransferSyntaxCodecs.CanDecode(ts.Uid), $"{ts} cannot be decoded here");

        if (NotTranscodable.TryGetValue(name, out var reason))
        {
            var ex = Assert.Throws<DicomException>(() => DicomTranscoder.ToUncompressed(source, DicomTransferSyntax.ExplicitVRLittleEndian));
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
            return;
        }

        var result = DicomTranscoder.ToUncompressed(source, DicomTransferSyntax.ExplicitVRLittleEndian);
        var ours = tmp.File("ours.dcm");
        if (!source.Dataset.Contains(DicomTags.PixelData))
        {
            // UN_sequence.dcm: a JPEG Lossless transfer syntax but only a UN sequence, no pixel data; only the
            // transfer syntax changes.
            Assert.Equal("UN_sequence.dcm", name);
            Assert.Same(DicomTransferSyntax.ExplicitVRLittleEndian, result.TransferSyntax);
            Assert.False(result.Dataset.Contains(DicomTags.PixelData));
            return;
        }

        result.Save(ours);
        AssertDcmdumpClean(ours);

        var reread = DicomFile.Open(ours);
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, reread.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
        Assert.Same(DicomTransferSyntax.ExplicitVRLittleEndian, reread.TransferSyntax);
        var d = DicomTranscoder.Describe(reread.Dataset);
        var pixels = reread.Dataset.GetElement(DicomTags.PixelData);
        Assert.IsNotType<DicomFragmentSequence>(pixels);
        Assert.Equal(d.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixels.VR);
        var expectedLength = d.FrameLength * d.NumberOfFrames;
        Assert.Equal(expectedLength + (expectedLength % 2), pixels.Length);
        if (ts.IsLossy)
        {
            Assert.Equal("01", reread.Dataset.GetString(new DicomTag(0x0028, 0x2110)).Trim());
            var method = reread.Dataset[new DicomTag(0x0028, 0x2114)];
            var ratio = reread.Dataset[new DicomTag(0x0028, 0x2112)];
            Assert.True(method is not null || ratio is not null, "lossy result without Lossy Image Compression Method or Ratio");
            if (method is not null && ratio is not null && source.Dataset[new DicomTag(0x0028, 0x2114)] is null)
            {
                Assert.Equal(method.GetStrings().Length, ratio.GetStrings().Length);
                Assert.True(ratio.GetDoubles().All(r => r >= 1), "compression ratio below 1");
            }
        }

        if (d.SamplesPerPixel == 3)
        {
            Assert.DoesNotContain("YBR_FULL", d.PhotometricInterpretation, StringComparison.Ordinal);
        }

        var tool = ts.Uid switch
        {
            TransferSyntaxCodecs.RleLossless => "dcmdrle",
            TransferSyntaxCodecs.JpegLsLossless or TransferSyntaxCodecs.JpegLsNearLossless => "dcmdjpls",
            TransferSyntaxCodecs.Jpeg2000 or TransferSyntaxCodecs.Jpeg2000Lossless => null,
            _ => "dcmdjpeg",
        };
        if (tool is null)
        {
            // dcmtk has no JPEG 2000 decoder: compare with pydicom's uncompressed copy of the same image where there is one.
            if (name == "MR_small_jp2klossless.dcm")
            {
                AssertSamePixels(Pixels(Path.Combine(TestFiles, "MR_small.dcm")), Pixels(ours), 0);
            }

            return;
        }

        if (DcmtkCannotRead.Contains(name))
        {
            var (code, _, _) = PeerTools.Run(PeerTools.Which("dcmdump"), input);
            Assert.NotEqual(0, code);
            return;
        }

        var peer = tmp.File("dcmtk.dcm");
        CodecPeerTools.Run(PeerTools.Which(tool), input, peer);
        var tolerance = ts.IsLossy ? LossyTolerance(d) : 0;
        AssertSamePixels(Pixels(peer), Pixels(ours), tolerance);

        if (name is "MR_small_RLE.dcm" or "MR_small_jpeg_ls_lossless.dcm")
        {
            AssertSamePixels(Pixels(Path.Combine(TestFiles, "MR_small.dcm")), Pixels(ours), 0);
        }
    }

    [Theory]
    [InlineData("MR_small_bigendian.dcm", "MR_small.dcm")]
    [InlineData("MR_small_expb.dcm", "MR_small.dcm")]
    [InlineData("rtdose_expb.dcm", "rtdose.dcm")]
    [InlineData("rtdose_expb_1frame.dcm", "rtdose_1frame.dcm")]
    [InlineData("liver_expb_1frame.dcm", "liver_1frame.dcm")]
    [InlineData("rtdose_rle.dcm", "rtdose.dcm")]
    [InlineData("rtdose_rle_1frame.dcm", "rtdose_1frame.dcm")]
    [InlineData("image_dfl.dcm", null)]
    public void BigEndianAndDeflated_ToLittle_MatchPydicomSiblings(string name, string? sibling)
    {
        using var tmp = new CodecPeerTools.TempFolder();
        var input = Path.Combine(TestFiles, name);
        var result = DicomTranscoder.ToTransferSyntax(DicomFile.Open(input), DicomTransferSyntax.ExplicitVRLittleEndian);
        var ours = tmp.File("ours.dcm");
        result.Save(ours);
        AssertDcmdumpClean(ours);

        if (sibling is not null)
        {
            AssertSamePixels(Pixels(Path.Combine(TestFiles, sibling)), Pixels(ours), 0);
        }

        var source = DicomFile.Open(input);
        var bitsAllocated = source.Dataset.GetInt32(DicomTags.BitsAllocated);
        if (bitsAllocated <= 16)
        {
            // dcmtk's own conversion to little endian (it swaps OW by 16-bit words, right for 8/16-bit samples).
            var peer = tmp.File("dcmconv.dcm");
            CodecPeerTools.Run(PeerTools.Which("dcmconv"), "+te", input, peer);
            AssertSamePixels(Pixels(peer), Pixels(ours), 0);
        }

        // And back to big endian, then to implicit little endian: unchanged samples.
        var big = DicomTranscoder.ToTransferSyntax(DicomFile.Open(ours), DicomTransferSyntax.ExplicitVRBigEndian);
        var bigPath = tmp.File("big.dcm");
        big.Save(bigPath);
        AssertDcmdumpClean(bigPath);
        var implicitLe = DicomTranscoder.ToUncompressed(DicomFile.Open(bigPath), DicomTransferSyntax.ImplicitVRLittleEndian);
        var implicitPath = tmp.File("implicit.dcm");
        implicitLe.Save(implicitPath);
        AssertSamePixels(Pixels(ours), Pixels(implicitPath), 0);
        if (bitsAllocated <= 16)
        {
            var peer = tmp.File("dcmconv-big.dcm");
            CodecPeerTools.Run(PeerTools.Which("dcmconv"), "+te", bigPath, peer);
            AssertSamePixels(Pixels(ours), Pixels(peer), 0);
        }
    }

    [Theory]
    [InlineData("MR_small.dcm", TransferSyntaxCodecs.RleLossless)]
    [InlineData("MR_small.dcm", TransferSyntaxCodecs.JpegLosslessSV1)]
    [InlineData("CT_small.dcm", TransferSyntaxCodecs.RleLossless)]
    [InlineData("CT_small.dcm", TransferSyntaxCodecs.JpegLosslessSV1)]
    [InlineData("SC_rgb_small_odd.dcm", TransferSyntaxCodecs.RleLossless)]
    [InlineData("SC_rgb_small_odd.dcm", TransferSyntaxCodecs.JpegLosslessSV1)]
    [InlineData("rtdose.dcm", TransferSyntaxCodecs.RleLossless)]
    [InlineData("SC_rgb_rle_16bit_2frame.dcm", TransferSyntaxCodecs.JpegLosslessSV1)]
    [InlineData("MR_small_bigendian.dcm", TransferSyntaxCodecs.JpegLosslessSV1)]
    public void Native_ToEncapsulated_RoundTripsAndDcmtkDecodes(string name, string targetUid)
    {
        using var tmp = new CodecPeerTools.TempFolder();
        var input = Path.Combine(TestFiles, name);
        var source = DicomFile.Open(input);
        var original = DicomTranscoder.ToExplicitVRLittleEndian(source);
        var target = DicomTransferSyntax.FromUid(targetUid);

        var encoded = DicomTranscoder.ToTransferSyntax(source, target);
        var encodedPath = tmp.File("encoded.dcm");
        encoded.Save(encodedPath);
        AssertDcmdumpClean(encodedPath);

        var reread = DicomFile.Open(encodedPath);
        Assert.Same(target, reread.TransferSyntax);
        var fragments = Assert.IsType<DicomFragmentSequence>(reread.Dataset.GetElement(DicomTags.PixelData));
        var d = DicomTranscoder.Describe(reread.Dataset);
        Assert.Equal(d.NumberOfFrames, fragments.Fragments.Count);
        Assert.All(fragments.Fragments, f => Assert.Equal(0, f.Length % 2));
        var offsets = fragments.GetOffsets();
        Assert.Equal(d.NumberOfFrames, offsets.Length);
        Assert.Equal(0u, offsets[0]);
        for (var i = 1; i < offsets.Length; i++)
        {
            Assert.Equal(offsets[i - 1] + 8 + (uint)fragments.Fragments[i - 1].Length, offsets[i]);
        }

        var back = DicomTranscoder.ToExplicitVRLittleEndian(reread);
        var backPath = tmp.File("back.dcm");
        back.Save(backPath);
        var originalPath = tmp.File("original.dcm");
        original.Save(originalPath);
        AssertSamePixels(Pixels(originalPath), Pixels(backPath), 0);

        var peer = tmp.File("dcmtk.dcm");
        CodecPeerTools.Run(PeerTools.Which(targetUid == TransferSyntaxCodecs.RleLossless ? "dcmdrle" : "dcmdjpeg"), encodedPath, peer);
        AssertSamePixels(Pixels(originalPath), Pixels(peer), 0);
    }

    [Theory]
    [InlineData("rtdose_expb.dcm", "rtdose.dcm")]
    [InlineData("MR_small_bigendian.dcm", "MR_small.dcm")]
    [InlineData("MR_small_RLE.dcm", "MR_small.dcm")]
    [InlineData("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm")]
    public void DecodeFrames_AnyTransferSyntax_MatchesLittleEndianSibling(string name, string sibling)
    {
        var frames = DicomTranscoder.DecodeFrames(DicomFile.Open(Path.Combine(TestFiles, name)), out var d);
        var expected = DicomFile.Open(Path.Combine(TestFiles, sibling)).Dataset.GetElement(DicomTags.PixelData).Value.ToArray();
        Assert.Equal(d.NumberOfFrames, frames.Count);
        Assert.Equal(expected.Length, frames.Sum(f => f.Length));
        Assert.True(expected.AsSpan().SequenceEqual(frames.SelectMany(f => f).ToArray()), "decoded frames differ from the little-endian file");
        Assert.Throws<DicomException>(() => DicomTranscoder.DecodeFrames(DicomFile.Open(Path.Combine(TestFiles, "rtplan.dcm")), out _));
    }

    [Fact]
    public void LittleToBigEndian_PydicomReadsSameSamples()
    {
        using var tmp = new CodecPeerTools.TempFolder();
        var pairs = new List<string>();
        foreach (var name in new[] { "rtdose.dcm", "MR_small.dcm", "CT_small.dcm", "SC_rgb_small_odd.dcm" })
        {
            var input = Path.Combine(TestFiles, name);
            var output = tmp.File("be-" + name);
            DicomTranscoder.ToTransferSyntax(DicomFile.Open(input), DicomTransferSyntax.ExplicitVRBigEndian).Save(output);
            pairs.Add(input);
            pairs.Add(output);
        }

        const string Script = """
            import sys, pydicom, numpy
            a = sys.argv[1:]
            for i in range(0, len(a), 2):
                x, y = pydicom.dcmread(a[i]), pydicom.dcmread(a[i + 1])
                assert y.file_meta.TransferSyntaxUID == '1.2.840.10008.1.2.2', a[i + 1]
                print(a[i], numpy.array_equal(x.pixel_array, y.pixel_array))
            """;
        var output2 = CodecPeerTools.Run(CodecPeerTools.Python, ["-c", Script, .. pairs]);
        var lines = output2.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.EndsWith(" True", l, StringComparison.Ordinal));
    }

    [Fact]
    public void UnsupportedCombination_ThrowsDicomException()
    {
        var file = DicomFile.Open(Path.Combine(TestFiles, "MR_small.dcm"));
        var ex = Assert.Throws<DicomException>(() => DicomTranscoder.ToTransferSyntax(file, DicomTransferSyntax.JPEG2000));
        Assert.Contains("JPEG 2000", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<DicomException>(() => DicomTranscoder.ToUncompressed(file, DicomTransferSyntax.RLELossless));
        Assert.False(DicomTranscoder.CanTranscode(DicomTransferSyntax.ExplicitVRLittleEndian, DicomTransferSyntax.JPEGBaseline8Bit));
        Assert.True(DicomTranscoder.CanTranscode(DicomTransferSyntax.JPEGBaseline8Bit, DicomTransferSyntax.ExplicitVRLittleEndian));

        var header = DicomFile.Open(Path.Combine(TestFiles, "MR_small.dcm"), new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
        Assert.Throws<DicomException>(() => DicomTranscoder.ToExplicitVRLittleEndian(header));
    }

    [Fact]
    public void Transcoding_LeavesSourceUnchanged()
    {
        var file = DicomFile.Open(Path.Combine(TestFiles, "SC_rgb_jpeg_dcmtk.dcm"));
        var before = file.Dataset.GetString(DicomTags.PhotometricInterpretation);
        var result = DicomTranscoder.ToExplicitVRLittleEndian(file);
        Assert.Equal(before, file.Dataset.GetString(DicomTags.PhotometricInterpretation));
        Assert.IsType<DicomFragmentSequence>(file.Dataset.GetElement(DicomTags.PixelData));
        Assert.Same(DicomTransferSyntax.JPEGBaseline8Bit, file.TransferSyntax);
        Assert.Equal("RGB", result.Dataset.GetString(DicomTags.PhotometricInterpretation).Trim());
        Assert.Equal(0, result.Dataset.GetInt32(new DicomTag(0x0028, 0x0006)));
    }

    private static int LossyTolerance(ImagePixelDescription d) => d.BitsStored > 8 ? 1 << (d.BitsStored - 8) : 3;

    /// <summary>Native little-endian pixel samples of a file, colour-by-pixel.</summary>
    private static (byte[] Bytes, ImagePixelDescription Description) Pixels(string path)
    {
        var file = DicomFile.Open(path);
        Assert.False(file.TransferSyntax.IsEncapsulated, $"{path} is still encapsulated");
        if (file.Dataset.GetInt32(DicomTags.BitsAllocated) == 1)
        {
            // Packed bits: compare the bytes as they are (their count stands in for the image size).
            var packed = file.Dataset.GetElement(DicomTags.PixelData).Value.ToArray();
            return (packed, ImagePixelDescription.Monochrome(1, packed.Length, 8, 8, false));
        }

        var d = DicomTranscoder.Describe(file.Dataset);
        var raw = file.Dataset.GetElement(DicomTags.PixelData).Value.Span[..checked((int)(d.FrameLength * d.NumberOfFrames))];
        if (d.SamplesPerPixel == 1 || d.PlanarConfiguration == 0)
        {
            return (raw.ToArray(), d);
        }

        var frames = new byte[raw.Length];
        for (var f = 0; f < d.NumberOfFrames; f++)
        {
            var frame = raw.Slice((int)(f * d.FrameLength), (int)d.FrameLength);
            PixelDataConverter.ToPlanarConfiguration(frame, d, 0).CopyTo(frames, f * d.FrameLength);
        }

        return (frames, d with { PlanarConfiguration = 0 });
    }

    private static void AssertSamePixels((byte[] Bytes, ImagePixelDescription Description) expected, (byte[] Bytes, ImagePixelDescription Description) actual, int tolerance)
    {
        Assert.Equal(expected.Description.Rows, actual.Description.Rows);
        Assert.Equal(expected.Description.Columns, actual.Description.Columns);
        Assert.Equal(expected.Description.SamplesPerPixel, actual.Description.SamplesPerPixel);
        Assert.Equal(expected.Description.BitsAllocated, actual.Description.BitsAllocated);
        Assert.Equal(expected.Description.NumberOfFrames, actual.Description.NumberOfFrames);
        Assert.Equal(expected.Bytes.Length, actual.Bytes.Length);
        if (tolerance == 0)
        {
            Assert.True(expected.Bytes.AsSpan().SequenceEqual(actual.Bytes), "pixel bytes differ");
            return;
        }

        var e = PixelDataConverter.ToInt32(expected.Bytes, expected.Description with { NumberOfFrames = 1, Rows = expected.Description.Rows * expected.Description.NumberOfFrames });
        var a = PixelDataConverter.ToInt32(actual.Bytes, actual.Description with { NumberOfFrames = 1, Rows = actual.Description.Rows * actual.Description.NumberOfFrames });
        var worst = 0;
        long sum = 0;
        for (var i = 0; i < e.Length; i++)
        {
            var diff = Math.Abs(e[i] - a[i]);
            worst = Math.Max(worst, diff);
            sum += diff;
        }

        Assert.True(worst <= tolerance, $"largest sample difference {worst} exceeds {tolerance}");
        Assert.True(sum <= e.Length, $"mean sample difference {(double)sum / e.Length:F3} too large");
    }

    private static void AssertDcmdumpClean(string path)
    {
        var (code, stdout, stderr) = PeerTools.Run(PeerTools.Which("dcmdump"), path);
        Assert.True(code == 0, $"dcmdump failed ({code}): {stderr}");
        Assert.True(stderr.Trim().Length == 0, $"dcmdump warned: {stderr}");
        Assert.DoesNotContain("\nW: ", "\n" + stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\nE: ", "\n" + stdout, StringComparison.Ordinal);
    }
}
