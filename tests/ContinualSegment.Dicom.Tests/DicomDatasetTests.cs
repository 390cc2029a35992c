namespace ContinualSegment.Dicom.Tests;

public class DicomDatasetTests
{
    [Fact]
    public void Keeps_elements_sorted_and_supports_add_replace_remove()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.PatientID, "B");
        ds.AddOrUpdate(DicomTags.Modality, "CT");
        ds.AddOrUpdate(DicomTags.PatientName, "Doe^John");
        Assert.Equal([DicomTags.Modality, DicomTags.PatientName, DicomTags.PatientID], ds.Select(e => e.Tag));
        Assert.Throws<DicomException>(() => ds.Add(DicomElement.FromStrings(DicomTags.Modality, DicomVR.CS, "MR")));
        ds.AddOrUpdate(DicomTags.Modality, "MR");
        Assert.Equal("MR", ds.GetString(DicomTags.Modality));
        Assert.Equal(DicomVR.CS, ds[DicomTags.Modality]!.VR);
        Assert.True(ds.Remove(DicomTags.Modality));
        Assert.False(ds.Remove(DicomTags.Modality));
        Assert.Null(ds[DicomTags.Modality]);
        Assert.Equal("x", ds.GetStringOrDefault(DicomTags.Modality, "x"));
        Assert.Throws<DicomException>(() => ds.GetString(DicomTags.Modality));
        ds.AddOrUpdate(DicomTags.Rows, DicomVR.US, (ushort)512);
        Assert.Equal(512, ds.GetInt32(DicomTags.Rows));
    }

    [Fact]
    public void Private_blocks_are_reserved_per_creator()
    {
        var ds = new DicomDataset();
        ds.Add(DicomElement.FromStrings(new DicomTag(0x0029, 0x0010), DicomVR.LO, "OTHER VENDOR"));
        var tag = ds.GetPrivateTag(0x0029, "CSEG 1.0", 0x05);
        Assert.Equal(new DicomTag(0x0029, 0x1105), tag);
        Assert.Equal("CSEG 1.0", ds.GetString(new DicomTag(0x0029, 0x0011)));
        ds.Add(DicomElement.FromStrings(tag, DicomVR.LO, "value"));
        Assert.Equal("value", ds.GetPrivateElement(0x0029, "CSEG 1.0", 0x05)!.GetString());
        Assert.Equal(new DicomTag(0x0029, 0x0011), ds.ReservePrivateBlock(0x0029, "CSEG 1.0")); // same block again
        Assert.Null(ds.GetPrivateElement(0x0029, "UNKNOWN", 0x05));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.ReservePrivateBlock(0x0010, "X"));
    }

    [Fact]
    public void Items_inherit_the_character_set_of_their_data_set()
    {
        var item = new DicomDataset();
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, "ISO_IR 192");
        ds.Add(new DicomSequence(new DicomTag(0x0008, 0x1115), item));
        Assert.Equal(["ISO_IR 192"], item.SpecificCharacterSet);
        item.AddOrUpdate(DicomTags.PatientName, "Müller^Jürgen");
        Assert.Equal("Müller^Jürgen", item.GetString(DicomTags.PatientName));
        Assert.Equal(16, item[DicomTags.PatientName]!.Length); // 13 characters, two of them 2 bytes in UTF-8, plus one pad byte
        Assert.Same(ds, item.Parent);
        var later = new DicomDataset();
        ds.GetSequence(new DicomTag(0x0008, 0x1115)).Items.Add(later);
        Assert.Equal(["ISO_IR 192"], later.SpecificCharacterSet);
        Assert.Same(item, ds.GetSequence(new DicomTag(0x0008, 0x1115)).Items[0]);
    }

    [Fact]
    public void Typed_access_reads_UN_elements_of_known_tags_under_their_dictionary_VR()
    {
        var ds = new DicomDataset();
        ds.Add(new DicomElement(DicomTags.Rows, DicomVR.UN, new byte[] { 0x00, 0x02 }));
        ds.Add(new DicomElement(DicomTags.Modality, DicomVR.UN, "CT"u8.ToArray()));
        ds.Add(new DicomElement(new DicomTag(0x0009, 0x1001), DicomVR.UN, new byte[] { 0x05, 0x00 }));
        Assert.Equal(512, ds.GetInt32(DicomTags.Rows));
        Assert.Equal("CT", ds.GetString(DicomTags.Modality));
        Assert.Equal(DicomVR.UN, ds[DicomTags.Rows]!.VR); // stored as read
        Assert.Equal(5, ds.GetInt32(new DicomTag(0x0009, 0x1001))); // private: read as bytes
    }

    [Fact]
    public void Clone_is_deep_for_sequences()
    {
        var original = DicomFile.Open(Path.Combine(PeerTools.PydicomData, "test_files", "rtstruct.dcm")).Dataset;
        var copy = original.Clone();
        Assert.Empty(DatasetComparer.Differences(original, copy, compareVR: true));
        var tag = new DicomTag(0x3006, 0x0020);
        copy.GetSequence(tag).Items.RemoveAt(0);
        Assert.NotEqual(original.GetSequence(tag).Items.Count, copy.GetSequence(tag).Items.Count);
        Assert.Same(copy, copy.GetSequence(tag).Items[0].Parent);
    }

    [Fact]
    public void Empty_first_character_set_value_is_kept()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, "", "ISO 2022 IR 87");
        Assert.Equal(["", "ISO 2022 IR 87"], ds.SpecificCharacterSet);
    }

    [Fact]
    public void A_custom_text_decoder_plugs_in_with_one_line()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, "ISO_IR 100");
        ds.AddOrUpdate(DicomTags.PatientName, "abc");
        ds.TextDecoder = new DelegateDicomTextDecoder(static (bytes, cs, vr) => $"{cs[0]}:{vr}:{bytes.Length}", static (s, cs, vr) => []);
        Assert.Equal("ISO_IR 100:PN:3", ds.GetString(DicomTags.PatientName)); // padding is removed before decoding
    }
}
