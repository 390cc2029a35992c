using System.Reflection;

namespace ContinualSegment.Dicom.Tests;

public sealed class DicomTagsTests
{
    [Fact]
    public void Every_named_tag_is_the_dictionary_entry_with_that_keyword()
    {
        var fields = typeof(DicomTags).GetFields(BindingFlags.Public | BindingFlags.Static);

        Assert.True(fields.Length > 4000, $"{fields.Length} named tags");
        foreach (var field in fields)
        {
            var tag = (DicomTag)field.GetValue(null)!;
            Assert.Equal(tag, DicomDictionary.TagOf(field.Name));
        }
    }

    [Fact]
    public void Named_tags_agree_with_the_hand_written_constants()
    {
        Assert.Equal(DicomTags.PatientName, DicomTags.PatientName);
        Assert.Equal(new DicomTag(0x3006, 0x0050), DicomTags.ContourData);
        Assert.Equal(new DicomTag(0x0062, 0x0002), DicomTags.SegmentSequence);
    }
}
