using System.Text.RegularExpressions;

namespace ContinualSegment.Dicom.Tests;

public partial class DicomDumperTests
{
    [GeneratedRegex(@"^\s*\(([0-9a-f]{4},[0-9a-f]{4})\) (\S\S) ", RegexOptions.Multiline)]
    private static partial Regex TagAndVR();

    [Theory]
    [InlineData("test_files/CT_small.dcm")]
    [InlineData("test_files/rtstruct.dcm")]
    [InlineData("test_files/JPEG2000.dcm")]
    public void Lists_the_same_tags_VRs_and_nesting_as_dcmdump(string relative)
    {
        var path = Path.Combine(PeerTools.PydicomData, relative);
        var file = DicomFile.Open(path);
        using var writer = new StringWriter();
        DicomDumper.Dump(file.Dataset, writer);
        var ours = TagAndVR().Matches(writer.ToString()).Select(m => m.Value.TrimEnd()).ToList();
        var (exit, stdout, _) = PeerTools.Run(PeerTools.Which("dcmdump"), "+L", path);
        Assert.Equal(0, exit);
        var dataSetPart = stdout[stdout.IndexOf("# Dicom-Data-Set", StringComparison.Ordinal)..];
        var theirs = TagAndVR().Matches(dataSetPart).Select(m => m.Value.TrimEnd()).ToList();
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Prints_values_lengths_multiplicity_and_keywords()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.PatientName, "Doe^John");
        ds.AddOrUpdate(new DicomTag(0x0008, 0x0008), "ORIGINAL", "PRIMARY");
        ds.AddOrUpdate(DicomTags.Rows, DicomVR.US, (ushort)512);
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomUids.CTImageStorage);
        var text = DicomDumper.ToText(ds);
        Assert.Contains("(0010,0010) PN [Doe^John]", text, StringComparison.Ordinal);
        Assert.Matches(@"\(0008,0008\) CS \[ORIGINAL\\PRIMARY\]\s+#\s+16, 2 ImageType", text);
        Assert.Matches(@"\(0028,0010\) US 512\s+#\s+2, 1 Rows", text);
        Assert.Contains("=CTImageStorage", text, StringComparison.Ordinal);
    }
}
