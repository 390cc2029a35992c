using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Tests;

public class DicomWriterTests
{
    private static DicomDataset Minimal()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomUids.SecondaryCaptureImageStorage);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate());
        ds.AddOrUpdate(DicomTags.PatientName, "Doe^Jane");
        return ds;
    }

    [Fact]
    public void Meta_information_has_a_correct_group_length_and_our_implementation_identity()
    {
        var file = new DicomFile(Minimal());
        using var ms = new MemoryStream();
        file.Save(ms);
        var bytes = ms.ToArray();
        Assert.True(bytes.AsSpan(128, 4).SequenceEqual("DICM"u8));
        var groupLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));
        var afterMeta = 144 + (int)groupLength;
        Assert.Equal(0x0008, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(afterMeta))); // first data set element follows
        var back = DicomFile.Open(bytes);
        Assert.Equal(DicomUid.ImplementationClassUid, back.FileMetaInformation.GetString(DicomTags.ImplementationClassUID));
        Assert.Equal(file.Dataset.GetString(DicomTags.SOPInstanceUID), back.FileMetaInformation.GetString(DicomTags.MediaStorageSOPInstanceUID));
        Assert.Equal(DicomUids.ExplicitVRLittleEndian, back.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
    }

    [Fact]
    public void Group_lengths_are_dropped_outside_the_meta_group()
    {
        var ds = Minimal();
        ds.Add(DicomElement.FromValues(new DicomTag(0x0010, 0x0000), DicomVR.UL, 1234u));
        var bytes = DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.False(DicomDatasetReader.Read(bytes, DicomTransferSyntax.ExplicitVRLittleEndian).Contains(new DicomTag(0x0010, 0x0000)));
    }

    [Fact]
    public void Overlong_16_bit_length_values_are_refused_or_written_as_UN()
    {
        var ds = new DicomDataset();
        ds.Add(DicomElement.FromStrings(new DicomTag(0x0008, 0x1030), DicomVR.LO, new string('x', 70000)));
        var ex = Assert.Throws<DicomException>(() => DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.ExplicitVRLittleEndian));
        Assert.Contains("16-bit", ex.Message, StringComparison.Ordinal);
        var bytes = DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.ExplicitVRLittleEndian, new DicomWriteOptions { WriteOverlongValuesAsUN = true });
        var back = DicomDatasetReader.Read(bytes, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal(DicomVR.UN, back[new DicomTag(0x0008, 0x1030)]!.VR);
        Assert.Equal(70000, back[new DicomTag(0x0008, 0x1030)]!.Length);
        // Implicit VR has 32-bit lengths throughout.
        var implicitBack = DicomDatasetReader.Read(DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.ImplicitVRLittleEndian), DicomTransferSyntax.ImplicitVRLittleEndian);
        Assert.Equal(70000, implicitBack.GetString(new DicomTag(0x0008, 0x1030)).Length);
    }

    [Fact]
    public void Private_sequences_in_implicit_VR_keep_undefined_length_so_they_read_back_as_sequences()
    {
        var ds = Minimal();
        var item = new DicomDataset();
        item.AddOrUpdate(DicomTags.PatientID, "X");
        ds.Add(DicomElement.FromStrings(new DicomTag(0x0011, 0x0010), DicomVR.LO, "VENDOR"));
        ds.Add(new DicomSequence(new DicomTag(0x0011, 0x1001), item));
        ds.Add(new DicomSequence(new DicomTag(0x0008, 0x1115), new DicomDataset(DicomElement.FromStrings(new DicomTag(0x0008, 0x1150), DicomVR.UI, "1.2"))));
        var options = new DicomWriteOptions { UndefinedSequenceLength = false };
        var bytes = DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.ImplicitVRLittleEndian, options);
        var back = DicomDatasetReader.Read(bytes, DicomTransferSyntax.ImplicitVRLittleEndian);
        Assert.Equal("X", back.GetSequence(new DicomTag(0x0011, 0x1001)).Items[0].GetString(DicomTags.PatientID));
        Assert.False(back.GetSequence(new DicomTag(0x0008, 0x1115)).HadUndefinedLength);
        Assert.True(back.GetSequence(new DicomTag(0x0011, 0x1001)).HadUndefinedLength);
    }

    [Fact]
    public void A_deflated_data_set_is_padded_to_an_even_length_and_still_reads_back()
    {
        // PS3.5 A.5: an odd deflated bit stream gets one trailing zero byte (peers refuse odd fragments on the network).
        var lengths = new HashSet<int>();
        for (var size = 0; size < 40; size++)
        {
            var ds = Minimal();
            ds.AddOrUpdate(DicomTags.StudyDescription, new string('x', size) + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var bytes = DicomDatasetWriter.ToBytes(ds, DicomTransferSyntax.DeflatedExplicitVRLittleEndian);
            Assert.True(bytes.Length % 2 == 0, $"{bytes.Length} bytes for size {size}");
            lengths.Add(bytes.Length);

            using var stream = new MemoryStream();
            new DicomFile(ds, DicomTransferSyntax.DeflatedExplicitVRLittleEndian).Save(stream);
            using var read = DicomFile.Open(stream.ToArray());
            Assert.Equal(ds.GetString(DicomTags.StudyDescription), read.Dataset.GetString(DicomTags.StudyDescription));
        }

        Assert.True(lengths.Count > 1, "the data sets should deflate to different lengths");
    }

    [Fact]
    public async Task Deflated_files_are_read_by_dcmtk()
    {
        var dir = Directory.CreateTempSubdirectory("cseg-dicom-w-").FullName;
        try
        {
            var path = Path.Combine(dir, "deflated.dcm");
            await new DicomFile(Minimal()).SaveAsync(path, new DicomWriteOptions { TransferSyntax = DicomTransferSyntax.DeflatedExplicitVRLittleEndian });
            var (exit, stdout, stderr) = PeerTools.Run(PeerTools.Which("dcmdump"), path);
            Assert.True(exit == 0, stderr);
            Assert.Contains("[Doe^Jane]", stdout, StringComparison.Ordinal);
            Assert.Contains("Deflated", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Big_endian_output_is_read_by_dcmtk_and_by_us()
    {
        var source = Path.Combine(PeerTools.PydicomData, "test_files", "MR_small.dcm");
        var original = DicomFile.Open(source);
        var dir = Directory.CreateTempSubdirectory("cseg-dicom-be-").FullName;
        try
        {
            var path = Path.Combine(dir, "be.dcm");
            original.Save(path, new DicomWriteOptions { TransferSyntax = DicomTransferSyntax.ExplicitVRBigEndian });
            var back = DicomFile.Open(path);
            Assert.Equal(DicomTransferSyntax.ExplicitVRBigEndian, back.TransferSyntax);
            Assert.Empty(DatasetComparer.Differences(original.Dataset, back.Dataset, compareVR: true));
            var (exit, stdout, stderr) = PeerTools.Run(PeerTools.Which("dcmdump"), path);
            Assert.True(exit == 0, stderr);
            Assert.Contains("Big Endian", stdout, StringComparison.Ordinal);
            Assert.Matches(@"\(0028,0010\) US 64 ", stdout);
            Assert.DoesNotContain("W:", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Command_sets_get_a_computed_group_length()
    {
        var command = new DicomDataset();
        command.AddOrUpdate(new DicomTag(0x0000, 0x0002), DicomVR.UI, DicomUids.Verification);
        command.AddOrUpdate(new DicomTag(0x0000, 0x0100), DicomVR.US, (ushort)0x0030);
        command.AddOrUpdate(new DicomTag(0x0000, 0x0110), DicomVR.US, (ushort)1);
        command.AddOrUpdate(new DicomTag(0x0000, 0x0800), DicomVR.US, (ushort)0x0101);
        command.AddOrUpdate(new DicomTag(0x0000, 0x0000), DicomVR.UL, 999u); // stale value is replaced
        var bytes = DicomDatasetWriter.ToBytes(command, DicomTransferSyntax.ImplicitVRLittleEndian, new DicomWriteOptions { RecomputeGroupLengths = true });
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes)); // (0000,0000) first
        Assert.Equal((uint)(bytes.Length - 12), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        var back = DicomDatasetReader.Read(bytes, DicomTransferSyntax.ImplicitVRLittleEndian);
        Assert.Equal(0x0030, back.GetInt32(new DicomTag(0x0000, 0x0100)));
        Assert.Equal(bytes.Length - 12, back.GetInt32(new DicomTag(0x0000, 0x0000)));
    }

    [Fact]
    public void Saving_needs_SOP_identity()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.PatientName, "x");
        using var ms = new MemoryStream();
        Assert.Throws<DicomException>(() => new DicomFile(ds).Save(ms));
    }
}
