using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Codecs;

namespace ContinualSegment.Benchmarks;

/// <summary>
/// RLE Lossless and JPEG Lossless (process 14, selection value 1) on one 512×512 16-bit CT slice, against dcmtk's
/// dcmcrle/dcmdrle/dcmcjpeg/dcmdjpeg run as processes on the same file. A peer's time includes its process
/// start, file read and file write, so each case is measured twice on our side: the codec alone on a frame in
/// memory, and file to file (open, code, save).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CodecBenchmarks
{
    private readonly string[] versionArguments = ["--version"];
    private readonly ImagePixelDescription description = CtSeriesGenerator.PixelDescription;
    private string slice = string.Empty;
    private string work = string.Empty;
    private string dcmtkRle = string.Empty;
    private string dcmtkJpeg = string.Empty;
    private byte[] native = [];
    private byte[] rleFrame = [];
    private byte[] jpegFrame = [];

    [GlobalSetup]
    public void Setup()
    {
        var series = CtSeriesGenerator.Ensure(CtSeriesGenerator.DefaultFolder);
        slice = series[series.Count / 2];
        work = Path.Combine(CtSeriesGenerator.DefaultFolder, "codec-work");
        Directory.CreateDirectory(work);
        dcmtkRle = Path.Combine(work, "dcmtk-rle.dcm");
        dcmtkJpeg = Path.Combine(work, "dcmtk-jpeg-sv1.dcm");
        PeerProcess.Run("dcmcrle", [slice, dcmtkRle]);
        PeerProcess.Run("dcmcjpeg", ["+e1", slice, dcmtkJpeg]);

        native = DicomFile.Open(slice).Dataset.GetElement(DicomTags.PixelData).Value.ToArray();
        rleFrame = SingleFragment(dcmtkRle);
        jpegFrame = SingleFragment(dcmtkJpeg);

        // Both sides must agree on the pixels before anything is timed.
        if (!RleCodec.Decode(rleFrame, description).AsSpan().SequenceEqual(native)
            || !JpegLosslessDecoder.Decode(jpegFrame, description).AsSpan().SequenceEqual(native)
            || !RleCodec.Decode(RleCodec.Encode(native, description), description).AsSpan().SequenceEqual(native)
            || !JpegLosslessDecoder.Decode(JpegLosslessEncoder.Encode(native, description), description).AsSpan().SequenceEqual(native))
        {
            throw new InvalidOperationException("A codec round trip did not reproduce the native pixels.");
        }
    }

    // ------------------------------------------------------------ RLE encode

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Rle_Encode")]
    public void Dcmcrle_Encode() => PeerProcess.Run("dcmcrle", [slice, Out("peer-rle.dcm")]);

    [Benchmark]
    [BenchmarkCategory("Rle_Encode")]
    public int Rle_Encode() => RleCodec.Encode(native, description).Length;

    [Benchmark]
    [BenchmarkCategory("Rle_Encode")]
    public void Rle_Encode_File() =>
        EncodeFile(DicomTransferSyntax.RLELossless, f => RleCodec.Encode(f.Span, description), Out("our-rle.dcm"));

    // ------------------------------------------------------------ RLE decode

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Rle_Decode")]
    public void Dcmdrle_Decode() => PeerProcess.Run("dcmdrle", [dcmtkRle, Out("peer-unrle.dcm")]);

    [Benchmark]
    [BenchmarkCategory("Rle_Decode")]
    public int Rle_Decode() => RleCodec.Decode(rleFrame, description).Length;

    [Benchmark]
    [BenchmarkCategory("Rle_Decode")]
    public void Rle_Decode_File() => DecodeFile(dcmtkRle, f => RleCodec.Decode(f.Span, description), Out("our-unrle.dcm"));

    // ------------------------------------------------------------ JPEG lossless encode

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("JpegLossless_Encode")]
    public void Dcmcjpeg_Encode() => PeerProcess.Run("dcmcjpeg", ["+e1", slice, Out("peer-jpeg.dcm")]);

    [Benchmark]
    [BenchmarkCategory("JpegLossless_Encode")]
    public int JpegLossless_Encode() => JpegLosslessEncoder.Encode(native, description).Length;

    [Benchmark]
    [BenchmarkCategory("JpegLossless_Encode")]
    public void JpegLossless_Encode_File() =>
        EncodeFile(DicomTransferSyntax.JPEGLosslessSV1, f => JpegLosslessEncoder.Encode(f.Span, description), Out("our-jpeg.dcm"));

    // ------------------------------------------------------------ JPEG lossless decode

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("JpegLossless_Decode")]
    public void Dcmdjpeg_Decode() => PeerProcess.Run("dcmdjpeg", [dcmtkJpeg, Out("peer-unjpeg.dcm")]);

    [Benchmark]
    [BenchmarkCategory("JpegLossless_Decode")]
    public int JpegLossless_Decode() => JpegLosslessDecoder.Decode(jpegFrame, description).Length;

    [Benchmark]
    [BenchmarkCategory("JpegLossless_Decode")]
    public void JpegLossless_Decode_File() =>
        DecodeFile(dcmtkJpeg, f => JpegLosslessDecoder.Decode(f.Span, description), Out("our-unjpeg.dcm"));

    // ------------------------------------------------------------ process start alone

    /// <summary>A dcmtk process that starts and exits without work: the share of process start in the peer times.</summary>
    [Benchmark]
    [BenchmarkCategory("PeerProcessStart")]
    public void Dcmdump_Version() => PeerProcess.Run("dcmdump", versionArguments);

    private string Out(string name) => Path.Combine(work, name);

    private void EncodeFile(DicomTransferSyntax syntax, Func<ReadOnlyMemory<byte>, byte[]> encode, string output)
    {
        var file = DicomFile.Open(slice);
        var frame = file.Dataset.GetElement(DicomTags.PixelData).Value;
        var encoded = encode(frame);
        file.Dataset.AddOrUpdate(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, encoded));
        new DicomFile(file.FileMetaInformation, file.Dataset, syntax).Save(output);
    }

    private static void DecodeFile(string input, Func<ReadOnlyMemory<byte>, byte[]> decode, string output)
    {
        var file = DicomFile.Open(input);
        var fragments = (DicomFragmentSequence)file.Dataset.GetElement(DicomTags.PixelData);
        var decoded = decode(fragments.Fragments[0]);
        file.Dataset.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OW, decoded));
        new DicomFile(file.FileMetaInformation, file.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(output);
    }

    private static byte[] SingleFragment(string path)
    {
        var element = DicomFile.Open(path).Dataset.GetElement(DicomTags.PixelData);
        if (element is not DicomFragmentSequence { Fragments.Count: 1 } fragments)
        {
            throw new InvalidOperationException($"{path}: expected one pixel data fragment.");
        }

        return fragments.Fragments[0].ToArray();
    }
}
