using System.Globalization;

namespace ContinualSegment.Dicom.Tests;

public class DicomDictionaryTests
{
    private const string DcmtkDictionary = "/usr/share/libdcmtk17/dicom.dic";

    [Fact]
    public void Every_public_entry_of_the_dcmtk_dictionary_is_found_by_tag_and_keyword()
    {
        Assert.True(File.Exists(DcmtkDictionary), "dcmtk data dictionary missing");
        var count = 0;
        foreach (var line in File.ReadLines(DcmtkDictionary))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var f = line.Split('\t');
            if (!f[4].StartsWith("DICOM", StringComparison.Ordinal) || f[0].Contains('-', StringComparison.Ordinal))
            {
                continue;
            }

            var tag = DicomTag.Parse(f[0]);
            var keyword = f[2].StartsWith("RETIRED_", StringComparison.Ordinal) ? f[2]["RETIRED_".Length..] : f[2];
            var entry = DicomDictionary.Lookup(tag);
            Assert.NotNull(entry);
            Assert.Equal(keyword, entry.Keyword);
            Assert.Equal(f[3], entry.ValueMultiplicity);
            Assert.Equal(f[4].EndsWith("retired", StringComparison.Ordinal), entry.IsRetired);
            if (f[1].All(char.IsUpper))
            {
                Assert.Equal(f[1], entry.VR.Code);
            }

            Assert.Same(entry, DicomDictionary.Lookup(keyword));
            count++;
        }

        Assert.True(count > 4000, count.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Repeating_groups_and_multi_VR_entries()
    {
        var overlay = DicomDictionary.Lookup(new DicomTag(0x6002, 0x3000));
        Assert.NotNull(overlay);
        Assert.Equal("OverlayData", overlay.Keyword);
        Assert.True(overlay.IsRange);
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x6001, 0x3000))); // odd group: private
        Assert.Equal("SourceImageIDs", DicomDictionary.Lookup(new DicomTag(0x0020, 0x3104))!.Keyword);
        var smallest = DicomDictionary.Lookup(new DicomTag(0x0028, 0x0106))!;
        Assert.Equal(["US", "SS"], smallest.ValueRepresentations.Select(v => v.Code));
        Assert.Equal(DicomVR.OW, DicomDictionary.DefaultVR(DicomTags.PixelData));
        Assert.Equal(DicomVR.LO, DicomDictionary.DefaultVR(new DicomTag(0x0029, 0x0010)));
        Assert.Equal(DicomVR.UN, DicomDictionary.DefaultVR(new DicomTag(0x0029, 0x1010)));
        Assert.Equal(DicomTags.PatientName, DicomDictionary.TagOf("PatientName"));
        Assert.Throws<DicomException>(() => DicomDictionary.TagOf("NoSuchKeyword"));
    }
}
