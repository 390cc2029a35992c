using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ContinualSegment.Dicom;

namespace ContinualSegment.Benchmarks;

/// <summary>
/// Header-only and full parsing of one 512×512 CT slice and of a 300-slice series, against dcmtk's dcmdump
/// printing the same files (one dcmdump process for all files of a case, output to /dev/null).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DicomParseBenchmarks
{
    /// <summary>The dcmdump executable.</summary>
    public const string Dcmdump = "dcmdump";

    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforeTag = DicomTags.PixelData };

    private string slice = string.Empty;
    private string[] series = [];
    private string[] dcmdumpHeaderSlice = [];
    private string[] dcmdumpFullSlice = [];
    private string[] dcmdumpHeaderSeries = [];
    private string[] dcmdumpFullSeries = [];

    [GlobalSetup]
    public void Setup()
    {
        series = [.. CtSeriesGenerator.Ensure(CtSeriesGenerator.DefaultFolder)];
        slice = series[series.Length / 2];

        // dcmdump: +sb stops parsing before Pixel Data; +M (the default) loads all values, pixel data included.
        string[] header = ["+sb", "7fe0,0010"];
        string[] full = ["+M"];
        dcmdumpHeaderSlice = [.. header, slice];
        dcmdumpFullSlice = [.. full, slice];
        dcmdumpHeaderSeries = [.. header, .. series];
        dcmdumpFullSeries = [.. full, .. series];

        // The peer must really read what we read: check its listing once.
        var headerListing = PeerProcess.Capture(Dcmdump, dcmdumpHeaderSlice);
        var fullListing = PeerProcess.Capture(Dcmdump, dcmdumpFullSlice);
        if (!headerListing.Contains("(0028,0010)", StringComparison.Ordinal) || headerListing.Contains("(7fe0,0010)", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("dcmdump +sb did not stop before Pixel Data as expected.");
        }

        if (!fullListing.Contains("(7fe0,0010) OW", StringComparison.Ordinal) || fullListing.Contains("not loaded", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("dcmdump +M did not load Pixel Data as expected.");
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("HeaderParse_Slice")]
    public void Dcmdump_HeaderParse_Slice() => PeerProcess.Run(Dcmdump, dcmdumpHeaderSlice);

    [Benchmark]
    [BenchmarkCategory("HeaderParse_Slice")]
    public long HeaderParse_Slice() => ReadHeader(slice);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("FullParse_Slice")]
    public void Dcmdump_FullParse_Slice() => PeerProcess.Run(Dcmdump, dcmdumpFullSlice);

    [Benchmark]
    [BenchmarkCategory("FullParse_Slice")]
    public long FullParse_Slice() => ReadFull(slice);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("HeaderParse_Series300")]
    public void Dcmdump_HeaderParse_Series300() => PeerProcess.Run(Dcmdump, dcmdumpHeaderSeries);

    [Benchmark]
    [BenchmarkCategory("HeaderParse_Series300")]
    public long HeaderParse_Series300()
    {
        long acc = 0;
        foreach (var path in series)
        {
            acc += ReadHeader(path);
        }

        return acc;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("FullParse_Series300")]
    public void Dcmdump_FullParse_Series300() => PeerProcess.Run(Dcmdump, dcmdumpFullSeries);

    [Benchmark]
    [BenchmarkCategory("FullParse_Series300")]
    public long FullParse_Series300()
    {
        long acc = 0;
        foreach (var path in series)
        {
            acc += ReadFull(path);
        }

        return acc;
    }

    /// <summary>The full parse without disposing the files: every buffer is left to the garbage collector.</summary>
    [Benchmark]
    [BenchmarkCategory("FullParse_Series300")]
    public long FullParse_Series300_NoDispose()
    {
        long acc = 0;
        foreach (var path in series)
        {
            acc += Touch(DicomFile.Open(path), path);
        }

        return acc;
    }

    /// <summary>The same full parse through the memory-mapped reader: no managed copy of each file.</summary>
    [Benchmark]
    [BenchmarkCategory("FullParse_Series300")]
    public long FullParse_Series300_Mapped()
    {
        long acc = 0;
        foreach (var path in series)
        {
            using var mapped = DicomFile.OpenMapped(path, MapEverything);
            acc += Touch(mapped.File, path);
        }

        return acc;
    }

    private static readonly DicomReadOptions MapEverything = new() { MemoryMapThreshold = 0 };

    private static long ReadHeader(string path)
    {
        using var file = DicomFile.Open(path, HeaderOnly);
        if (file.Dataset.Contains(DicomTags.PixelData))
        {
            throw new InvalidOperationException("The header read went past Pixel Data.");
        }

        return file.Dataset.Count + file.Dataset.GetInt32(DicomTags.Rows);
    }

    /// <summary>Open, touch every page of Pixel Data, dispose (which hands the file's buffers back for the next file).</summary>
    private static long ReadFull(string path)
    {
        using var file = DicomFile.Open(path);
        return Touch(file, path);
    }

    private static long Touch(DicomFile file, string path)
    {
        var pixels = file.Dataset.GetElement(DicomTags.PixelData).Value.Span;
        if (pixels.Length != CtSeriesGenerator.Size * CtSeriesGenerator.Size * 2)
        {
            throw new InvalidOperationException($"{path}: Pixel Data holds {pixels.Length} bytes.");
        }

        // Touch every page of the pixel data so that nothing can stay unread.
        long acc = file.Dataset.Count;
        for (var i = 0; i < pixels.Length; i += 4096)
        {
            acc += pixels[i];
        }

        return acc + pixels[^1];
    }
}
