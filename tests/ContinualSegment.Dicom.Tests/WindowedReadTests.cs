namespace ContinualSegment.Dicom.Tests;

/// <summary>
/// <see cref="DicomFile.Open(string, DicomReadOptions?)"/> reads files in windows, with a buffer of its own for each
/// large value: it must give exactly what the whole-buffer reader gives, and disposal must hand its buffers back safely.
/// </summary>
public class WindowedReadTests
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforeTag = DicomTags.PixelData };

    [Fact]
    public void Every_pydicom_file_reads_from_a_path_as_from_memory()
    {
        var compared = 0;
        foreach (var path in PeerTools.PydicomFiles())
        {
            var bytes = File.ReadAllBytes(path);
            foreach (var options in new[] { DicomReadOptions.Default, HeaderOnly })
            {
                var expected = Outcome(() => DicomFile.Open(bytes, options));
                var actual = Outcome(() => DicomFile.Open(path, options));
                AssertSameOutcome(expected, actual, path);
                actual.File?.Dispose();
                compared++;
            }
        }

        Assert.True(compared > 200, $"only {compared} cases compared");
    }

    [Fact]
    public void Mutated_files_read_from_a_stream_as_from_memory()
    {
        string[] seeds = ["CT_small.dcm", "MR_small_implicit.dcm", "rtstruct.dcm", "JPEG2000.dcm", "ExplVR_BigEnd.dcm", "UN_sequence.dcm", "MR_small_RLE.dcm", "no_meta.dcm"];
        var originals = seeds.Select(s => File.ReadAllBytes(Path.Combine(PeerTools.PydicomData, "test_files", s))).ToList();
        originals.Add(BuildLargeFile(trailer: true));
        var random = new Random(20261127);
        var options = new DicomReadOptions { MaxElementLength = 1 << 20, MaxInflatedLength = 64 << 20 };
        int parsed = 0, rejected = 0;
        for (var i = 0; i < 900; i++)
        {
            var data = FuzzTests.Mutate(originals[i % originals.Count], random);
            var caseOptions = i % 4 == 0 ? new DicomReadOptions { MaxElementLength = 1 << 20, StopBeforeTag = DicomTags.PixelData } : options;
            var expected = Outcome(() => DicomFile.Open(data, caseOptions));
            using var stream = new MemoryStream(data, writable: false);
            var actual = Outcome(() => DicomFile.Open(stream, caseOptions));
            AssertSameOutcome(expected, actual, $"mutation {i}");
            actual.File?.Dispose();
            if (expected.File is null)
            {
                rejected++;
            }
            else
            {
                parsed++;
            }
        }

        Assert.True(parsed > 100 && rejected > 100, $"mutations should produce both outcomes (parsed {parsed}, rejected {rejected})");
    }

    [Fact]
    public void Large_pixel_data_gets_its_own_buffer_and_elements_after_it_are_read()
    {
        var bytes = BuildLargeFile(trailer: true);
        WithTempFile(bytes, path =>
        {
            var expected = DicomFile.Open(bytes);
            using var file = DicomFile.Open(path);
            Assert.Empty(DatasetComparer.Differences(expected.Dataset, file.Dataset, compareVR: true));
            var pixels = file.Dataset.GetElement(DicomTags.PixelData);
            Assert.Equal(512 * 512 * 2, pixels.Length);
            Assert.True(pixels.Value.Span.SequenceEqual(expected.Dataset.GetElement(DicomTags.PixelData).Value.Span));
            Assert.Equal("TRAILER", file.Dataset.GetString(new DicomTag(0x7FE1, 0x0010)));
        });
    }

    [Fact]
    public void Values_of_a_disposed_file_throw_instead_of_reading_reused_memory()
    {
        WithTempFile(BuildLargeFile(trailer: false), path =>
        {
            var file = DicomFile.Open(path);
            var pixels = file.Dataset.GetElement(DicomTags.PixelData);
            var rows = file.Dataset.GetElement(DicomTags.Rows);
            var copy = file.Dataset.Clone();
            Assert.Equal(512, file.Dataset.GetInt32(DicomTags.Rows));
            file.Dispose();
            file.Dispose(); // twice is harmless
            Assert.Throws<ObjectDisposedException>(() => pixels.Value.Span[0]);
            Assert.Throws<ObjectDisposedException>(() => rows.GetInt32());
            Assert.Throws<ObjectDisposedException>(() => copy.GetInt32(DicomTags.Rows));
            Assert.Throws<ObjectDisposedException>(() => pixels.Value.Pin());
        });
    }

    [Fact]
    public void A_file_that_is_never_disposed_keeps_valid_values_after_other_files_are_disposed()
    {
        WithTempFile(BuildLargeFile(trailer: false), path =>
        {
            var kept = DicomFile.Open(path);
            var expected = kept.Dataset.GetElement(DicomTags.PixelData).Value.ToArray();
            for (var i = 0; i < 8; i++)
            {
                using var other = DicomFile.Open(path);
                Assert.Equal(512 * 512 * 2, other.Dataset.GetElement(DicomTags.PixelData).Value.Span.Length);
            }

            Assert.True(kept.Dataset.GetElement(DicomTags.PixelData).Value.Span.SequenceEqual(expected));
        });
    }

    [Fact]
    public void Reading_a_series_with_dispose_reuses_the_buffers()
    {
        WithTempFile(BuildLargeFile(trailer: false), path =>
        {
            const int Reads = 20;
            long Read()
            {
                using var file = DicomFile.Open(path);
                return file.Dataset.GetElement(DicomTags.PixelData).Value.Span[^1];
            }

            Read();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Reads; i++)
            {
                Read();
            }

            var perFile = (GC.GetAllocatedBytesForCurrentThread() - before) / Reads;
            Assert.True(perFile < 64 * 1024, $"{perFile} bytes allocated per 512 KiB file read and disposed");
        });
    }

    [Fact]
    public void A_large_value_that_fits_no_pool_size_class_gets_an_exact_buffer()
    {
        const int Length = 300_000; // the pool would hand out 512 KiB
        var bytes = new RawBuilder()
            .Explicit(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7\0")
            .Explicit(0x7FE0, 0x0010, "OB", new byte[Length])
            .AsPart10("1.2.840.10008.1.2.1");
        WithTempFile(bytes, path =>
        {
            DicomFile.Open(path).Dispose(); // warm-up: type loading, pools
            var before = GC.GetAllocatedBytesForCurrentThread();
            var file = DicomFile.Open(path);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(Length, file.Dataset.GetElement(DicomTags.PixelData).Length);
            Assert.InRange(allocated, Length, Length + (48 * 1024));
        });
    }

    [Fact]
    public void A_large_value_cut_short_or_over_the_limit_is_rejected_as_from_memory()
    {
        var whole = BuildLargeFile(trailer: false);
        var truncated = whole[..^1000];
        foreach (var (bytes, options) in new[] { (truncated, DicomReadOptions.Default), (whole, new DicomReadOptions { MaxElementLength = 100_000 }) })
        {
            var expected = Assert.Throws<DicomException>(() => DicomFile.Open(bytes, options));
            using var stream = new MemoryStream(bytes, writable: false);
            var actual = Assert.Throws<DicomException>(() => DicomFile.Open(stream, options));
            Assert.Equal(expected.Message, actual.Message);
        }
    }

    /// <summary>An Explicit VR LE CT-like file with 512×512 16-bit pixels and, optionally, an element after Pixel Data.</summary>
    private static byte[] BuildLargeFile(bool trailer)
    {
        var pixels = new byte[512 * 512 * 2];
        new Random(7).NextBytes(pixels);
        var builder = new RawBuilder()
            .Explicit(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.2\0")
            .Explicit(0x0010, 0x0010, "PN", "Doe^Jane")
            .Explicit(0x0028, 0x0002, "US", BitConverter.GetBytes((ushort)1))
            .Explicit(0x0028, 0x0010, "US", BitConverter.GetBytes((ushort)512))
            .Explicit(0x0028, 0x0011, "US", BitConverter.GetBytes((ushort)512))
            .Explicit(0x0028, 0x0100, "US", BitConverter.GetBytes((ushort)16))
            .Explicit(0x7FE0, 0x0010, "OW", pixels);
        if (trailer)
        {
            builder.Explicit(0x7FE1, 0x0010, "LO", "TRAILER ");
        }

        return builder.AsPart10("1.2.840.10008.1.2.1");
    }

    private static void WithTempFile(byte[] bytes, Action<string> test)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cseg-windowed-{Guid.NewGuid():N}.dcm");
        File.WriteAllBytes(path, bytes);
        try
        {
            test(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (DicomFile? File, Exception? Error) Outcome(Func<DicomFile> open)
    {
        try
        {
            var file = open();
            DicomDumper.ToText(file.Dataset);
            return (file, null);
        }
        catch (DicomException ex)
        {
            return (null, ex);
        }
    }

    private static void AssertSameOutcome((DicomFile? File, Exception? Error) expected, (DicomFile? File, Exception? Error) actual, string what)
    {
        if (expected.File is null)
        {
            Assert.True(actual.File is null, $"{what}: the in-memory reader rejected it ({expected.Error!.Message}) but the stream reader read it");
            Assert.Equal(expected.Error!.Message, actual.Error!.Message);
            return;
        }

        Assert.True(actual.File is not null, $"{what}: the in-memory reader read it but the stream reader rejected it ({actual.Error?.Message})");
        Assert.Equal(expected.File.TransferSyntax.Uid, actual.File.TransferSyntax.Uid);
        Assert.Equal(expected.File.HadPreamble, actual.File.HadPreamble);
        Assert.Equal(expected.File.IsPartial, actual.File.IsPartial);
        Assert.Empty(DatasetComparer.Differences(expected.File.FileMetaInformation, actual.File.FileMetaInformation, compareVR: true, what + " meta "));
        Assert.Empty(DatasetComparer.Differences(expected.File.Dataset, actual.File.Dataset, compareVR: true, what + " "));
    }
}
