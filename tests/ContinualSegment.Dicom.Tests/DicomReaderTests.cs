namespace ContinualSegment.Dicom.Tests;

public class DicomReaderTests
{
    private static readonly byte[] Ct = File.ReadAllBytes(Path.Combine(PeerTools.PydicomData, "test_files", "CT_small.dcm"));

    [Fact]
    public void Undefined_length_sequences_with_missing_delimiters_at_end_of_file_are_closed()
    {
        var data = new RawBuilder()
            .Explicit(0x0008, 0x0060, "CS", "CT")
            .Explicit(0x0008, 0x1115, "SQ", [], 0xFFFFFFFF)
            .Item()
            .Explicit(0x0008, 0x1150, "UI", "1.2.3\0")
            .Explicit(0x0008, 0x1140, "SQ", [], 0xFFFFFFFF)
            .Item()
            .Explicit(0x0008, 0x1155, "UI", "1.2.4\0")
            .AsPart10(DicomUids.ExplicitVRLittleEndian);
        var file = DicomFile.Open(data);
        var outer = file.Dataset.GetSequence(new DicomTag(0x0008, 0x1115));
        Assert.Single(outer.Items);
        var inner = outer.Items[0].GetSequence(new DicomTag(0x0008, 0x1140));
        Assert.Equal("1.2.4", inner.Items[0].GetString(new DicomTag(0x0008, 0x1155)));
        Assert.True(file.HadPreamble);
    }

    [Fact]
    public void Truncated_value_throws_DicomException_naming_the_offset()
    {
        var truncated = Ct[..(Ct.Length / 2)]; // inside the 32 KiB pixel data
        var ex = Assert.Throws<DicomException>(() => DicomFile.Open(truncated));
        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(7FE0,0010)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lengths_above_the_configured_maximum_are_refused_before_allocation()
    {
        var ex = Assert.Throws<DicomException>(() => DicomFile.Open(Ct, new DicomReadOptions { MaxElementLength = 1024 }));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => DicomFile.Open(Ct, new DicomReadOptions { MaxElementLength = 0 }));
    }

    [Fact]
    public void Stop_before_tag_reads_only_the_header()
    {
        var path = Path.Combine(PeerTools.PydicomData, "test_files", "CT_small.dcm");
        var header = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
        Assert.True(header.IsPartial);
        Assert.False(header.Dataset.Contains(DicomTags.PixelData));
        Assert.Equal(128, header.Dataset.GetInt32(DicomTags.Rows));
        var full = DicomFile.Open(path);
        Assert.False(full.IsPartial);
        Assert.Equal(full.Dataset.Count(e => e.Tag < DicomTags.PixelData), header.Dataset.Count);

        // a stream that is not seekable, with the pixel data far away
        using var stream = new NonSeekableStream(File.ReadAllBytes(path));
        var fromStream = DicomFile.Open(stream, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData });
        Assert.Equal(header.Dataset.Count, fromStream.Dataset.Count);
    }

    [Fact]
    public void UN_with_undefined_length_is_read_as_an_implicit_VR_sequence()
    {
        var data = new RawBuilder()
            .Explicit(0x0009, 0x0010, "LO", "VENDOR")
            .Explicit(0x0009, 0x1001, "UN", [], 0xFFFFFFFF)
            .Item()
            .Implicit(0x0010, 0x0010, "Doe^John")
            .ItemEnd()
            .SequenceEnd()
            .Explicit(0x0010, 0x0020, "LO", "ID")
            .AsPart10(DicomUids.ExplicitVRLittleEndian);
        var ds = DicomFile.Open(data).Dataset;
        var sq = ds.GetSequence(new DicomTag(0x0009, 0x1001));
        Assert.Equal("Doe^John", sq.Items[0].GetString(DicomTags.PatientName));
        Assert.Equal(DicomVR.PN, sq.Items[0][DicomTags.PatientName]!.VR);
        Assert.Equal("ID", ds.GetString(DicomTags.PatientID));
    }

    [Fact]
    public void A_VR_that_disagrees_with_the_dictionary_is_kept_and_can_be_reinterpreted()
    {
        var data = new RawBuilder()
            .Explicit(0x0028, 0x0010, "OW", [0x00, 0x02]) // Rows is US in the dictionary
            .Explicit(0x0028, 0x0011, "US", [0x00, 0x01])
            .AsPart10(DicomUids.ExplicitVRLittleEndian);
        var rows = DicomFile.Open(data).Dataset[DicomTags.Rows]!;
        Assert.Equal(DicomVR.OW, rows.VR);
        Assert.Equal(512, rows.ReinterpretAs(DicomDictionary.DefaultVR(DicomTags.Rows)).GetInt32());
    }

    [Fact]
    public void Odd_lengths_are_tolerated()
    {
        var data = new RawBuilder()
            .Explicit(0x0008, 0x0060, "CS", "CTX")
            .Explicit(0x0010, 0x0010, "PN", "Doe")
            .AsPart10(DicomUids.ExplicitVRLittleEndian);
        var ds = DicomFile.Open(data).Dataset;
        Assert.Equal("CTX", ds.GetString(DicomTags.Modality));
        Assert.Equal("Doe", ds.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Data_sets_without_meta_are_detected()
    {
        var implicitData = new RawBuilder().Implicit(0x0008, 0x0060, "CT").Implicit(0x0028, 0x0010, [0, 2]).ToArray();
        var f1 = DicomFile.Open(implicitData);
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, f1.TransferSyntax);
        Assert.Equal(512, f1.Dataset.GetInt32(DicomTags.Rows));
        var explicitData = new RawBuilder().Explicit(0x0008, 0x0060, "CS", "CT").Explicit(0x0028, 0x0010, "US", [0, 2]).ToArray();
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, DicomFile.Open(explicitData).TransferSyntax);
        var big = DicomFile.Open(Path.Combine(PeerTools.PydicomData, "test_files", "ExplVR_BigEndNoMeta.dcm"));
        Assert.Equal(DicomTransferSyntax.ExplicitVRBigEndian, big.TransferSyntax);
    }

    [Fact]
    public void Encapsulated_pixel_data_keeps_offset_table_and_fragments()
    {
        var data = new RawBuilder()
            .Explicit(0x7FE0, 0x0001, "OV", BitConverter.GetBytes(0UL))
            .Explicit(0x7FE0, 0x0002, "OV", BitConverter.GetBytes(6UL))
            .Explicit(0x7FE0, 0x0010, "OB", [], 0xFFFFFFFF)
            .Item(4).Bytes(0, 0, 0, 0)
            .Item(6).Bytes(1, 2, 3, 4, 5, 6)
            .SequenceEnd()
            .AsPart10(DicomUids.RLELossless);
        var file = DicomFile.Open(data);
        var px = Assert.IsType<DicomFragmentSequence>(file.Dataset[DicomTags.PixelData]);
        Assert.Equal([0u], px.GetOffsets());
        Assert.Equal([1, 2, 3, 4, 5, 6], px.Fragments[0].ToArray());
        Assert.Equal(DicomVR.OV, file.Dataset[DicomTags.ExtendedOffsetTableLengths]!.VR);
        Assert.Equal(6L, file.Dataset.GetValues<ulong>(DicomTags.ExtendedOffsetTableLengths)[0] is var v ? (long)v : 0);
    }

    [Fact]
    public void Big_endian_and_deflated_files_made_by_dcmconv_read_the_same_as_the_original()
    {
        var dcmconv = PeerTools.Which("dcmconv");
        var source = Path.Combine(PeerTools.PydicomData, "test_files", "CT_small.dcm");
        var original = DicomFile.Open(source);
        var dir = Directory.CreateTempSubdirectory("cseg-dicom-conv-").FullName;
        try
        {
            foreach (var (option, uid) in new[] { ("+tb", DicomUids.ExplicitVRBigEndian), ("+td", DicomUids.DeflatedExplicitVRLittleEndian), ("+ti", DicomUids.ImplicitVRLittleEndian) })
            {
                var target = Path.Combine(dir, option.TrimStart('+') + ".dcm");
                var (exit, _, err) = PeerTools.Run(dcmconv, option, source, target);
                Assert.True(exit == 0, err);
                var converted = DicomFile.Open(target);
                Assert.Equal(uid, converted.TransferSyntax.Uid);
                var diffs = DatasetComparer.Differences(original.Dataset, converted.Dataset, compareVR: option != "+ti");
                Assert.True(diffs.Count == 0, option + ": " + string.Join('\n', diffs.Take(10)));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task OpenAsync_reads_the_same_as_Open()
    {
        var path = Path.Combine(PeerTools.PydicomData, "test_files", "rtstruct.dcm");
        var a = DicomFile.Open(path);
        var b = await DicomFile.OpenAsync(path);
        Assert.Empty(DatasetComparer.Differences(a.Dataset, b.Dataset, compareVR: true));
        await using var stream = File.OpenRead(path);
        var c = await DicomFile.OpenAsync(stream);
        Assert.Empty(DatasetComparer.Differences(a.Dataset, c.Dataset, compareVR: true));
    }

    [Fact]
    public void A_deflated_file_s_header_is_read_without_inflating_the_whole_data_set()
    {
        // 32 MB of pixel data inflate from a few kilobytes; with a limit of 1 MB inflated, only a read that stops at the
        // header can succeed.
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomUids.SegmentationStorage);
        var instance = DicomUid.Generate();
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, instance);
        ds.AddOrUpdate(DicomTags.PatientName, "Doe^Jane");
        ds.Add(new DicomElement(DicomTags.PixelData, DicomVR.OB, new byte[32 << 20]));
        using var stream = new MemoryStream();
        new DicomFile(ds, DicomTransferSyntax.DeflatedExplicitVRLittleEndian).Save(stream);
        var bytes = stream.ToArray();
        Assert.True(bytes.Length < 1 << 20, $"{bytes.Length} bytes deflated");
        var limited = new DicomReadOptions { MaxInflatedLength = 1 << 20 };
        Assert.Throws<DicomException>(() => DicomFile.Open(bytes, limited));

        var header = new DicomReadOptions { MaxInflatedLength = 1 << 20, StopBeforeTag = DicomTags.StudyDate };
        foreach (var file in new[] { DicomFile.Open(new MemoryStream(bytes), header), DicomFile.Open(new NonSeekableStream(bytes), header) })
        {
            using (file)
            {
                Assert.True(file.IsPartial);
                Assert.Equal(DicomUids.SegmentationStorage, file.Dataset.GetString(DicomTags.SOPClassUID));
                Assert.Equal(instance, file.Dataset.GetString(DicomTags.SOPInstanceUID));
                Assert.False(file.Dataset.Contains(DicomTags.PixelData));
            }
        }

        // Without a stop tag the whole data set is still read.
        using var whole = DicomFile.Open(bytes);
        Assert.False(whole.IsPartial);
        Assert.Equal(32 << 20, whole.Dataset.GetElement(DicomTags.PixelData).Length);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
