using System.Buffers.Binary;
using System.Diagnostics;
using ContinualSegment.Dicom.Tests.Codecs;

namespace ContinualSegment.Dicom.Tests;

/// <summary><see cref="DicomFile.OpenMapped"/>: a large file is parsed without copying its pixel data into managed memory.</summary>
public sealed class MappedFileTests
{
    private const int Rows = 512;
    private const int Columns = 512;
    private const int Frames = 600; // 512 x 512 x 2 bytes x 600 frames = 300 MiB

    [Fact]
    public void OpenMapped_LargeFile_KeepsPixelDataOutOfManagedHeap()
    {
        using var tmp = new CodecPeerTools.TempFolder();
        var path = tmp.File("large.dcm");
        const long pixelBytes = 2L * Rows * Columns * Frames;
        WriteLargeFile(path, pixelBytes);
        var fileLength = new FileInfo(path).Length;
        Assert.True(fileLength > pixelBytes);

        // Header-only parse: fast and small.
        var watch = Stopwatch.StartNew();
        var headerAllocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var header = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
        watch.Stop();
        var headerAllocated = GC.GetAllocatedBytesForCurrentThread() - headerAllocatedBefore;
        Assert.True(header.IsPartial);
        Assert.False(header.Dataset.Contains(DicomTags.PixelData));
        Assert.Equal(Rows, header.Dataset.GetInt32(DicomTags.Rows));
        Assert.True(watch.ElapsedMilliseconds < 2000, $"header read took {watch.ElapsedMilliseconds} ms");
        Assert.True(headerAllocated < 4 << 20, $"header read allocated {headerAllocated} bytes");
        using (var mappedHeader = DicomFile.OpenMapped(path, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData }))
        {
            Assert.True(mappedHeader.File.IsPartial);
            Assert.Equal(Columns, mappedHeader.File.Dataset.GetInt32(DicomTags.Columns));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var checkedSamples = 0;
        using (var mapped = DicomFile.OpenMapped(path))
        {
            Assert.True(mapped.IsMapped);
            var pixels = mapped.File.Dataset.GetElement(DicomTags.PixelData);
            Assert.Equal(pixelBytes, pixels.Length);
            Assert.Equal(Frames, mapped.File.Dataset.GetInt32(DicomTags.NumberOfFrames));
            var span = pixels.Value.Span;
            foreach (var sample in new long[] { 0, 1, 12345, SamplesPerFrame * 300L, (SamplesPerFrame * 599L) + 77, pixelBytes / 2 - 1 })
            {
                Assert.Equal(Expected(sample), BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(sample * 2)..]));
                checkedSamples++;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var heapGrowth = GC.GetTotalMemory(forceFullCollection: false) - heapBefore;
            Assert.True(allocated < fileLength / 50, $"opening allocated {allocated} bytes for a {fileLength}-byte file");
            Assert.True(heapGrowth < fileLength / 50, $"managed heap grew by {heapGrowth} bytes for a {fileLength}-byte file");
        }

        Assert.Equal(6, checkedSamples);

        // The mapping is released: the file can be deleted and replaced at once.
        File.Delete(path);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void OpenMapped_SmallFileBelowThreshold_IsReadIntoMemoryAndMatchesOpen()
    {
        var path = Path.Combine(CodecPeerTools.TestFiles, "MR_small.dcm");
        using var inMemory = DicomFile.OpenMapped(path);
        Assert.False(inMemory.IsMapped);
        using var mapped = DicomFile.OpenMapped(path, new DicomReadOptions { MemoryMapThreshold = 0 });
        Assert.True(mapped.IsMapped);
        var expected = DicomFile.Open(path).Dataset.GetElement(DicomTags.PixelData).Value.Span;
        Assert.True(expected.SequenceEqual(mapped.File.Dataset.GetElement(DicomTags.PixelData).Value.Span));
        Assert.True(expected.SequenceEqual(inMemory.File.Dataset.GetElement(DicomTags.PixelData).Value.Span));
        mapped.Dispose();
        Assert.Throws<ObjectDisposedException>(() => mapped.File);
        Assert.Throws<ArgumentOutOfRangeException>(() => DicomFile.OpenMapped(path, new DicomReadOptions { MemoryMapThreshold = -1 }));
    }

    private const int SamplesPerFrame = Rows * Columns;

    /// <summary>Sample value: the frame number in each frame's first sample, a pattern elsewhere.</summary>
    private static ushort Expected(long sample)
    {
        var inFrame = sample % SamplesPerFrame;
        return inFrame == 0 ? (ushort)(sample / SamplesPerFrame + 1) : (ushort)((inFrame * 7919) ^ (inFrame >> 7));
    }

    private static void WriteLargeFile(string path, long pixelBytes)
    {
        var pixels = new byte[pixelBytes];
        var frame = pixels.AsSpan(0, SamplesPerFrame * 2);
        for (var i = 1; i < SamplesPerFrame; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(frame[(i * 2)..], Expected(i));
        }

        for (var f = 0; f < Frames; f++)
        {
            var target = pixels.AsSpan(f * SamplesPerFrame * 2, SamplesPerFrame * 2);
            if (f > 0)
            {
                frame.CopyTo(target);
            }

            BinaryPrimitives.WriteUInt16LittleEndian(target, Expected((long)f * SamplesPerFrame));
        }

        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7.3");
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate());
        ds.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, Frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ds.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, Rows);
        ds.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, Columns);
        ds.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, 16);
        ds.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 16);
        ds.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 15);
        ds.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
        ds.Add(new DicomElement(DicomTags.PixelData, DicomVR.OW, pixels));
        new DicomFile(ds).Save(path);
    }
}
