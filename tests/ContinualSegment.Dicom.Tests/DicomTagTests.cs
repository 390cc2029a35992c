namespace ContinualSegment.Dicom.Tests;

public class DicomTagTests
{
    [Theory]
    [InlineData("(0010,0010)")]
    [InlineData("0010,0010")]
    [InlineData("00100010")]
    [InlineData(" (0010,0010) ")]
    public void Parse_accepts_the_usual_forms(string text)
    {
        Assert.Equal(new DicomTag(0x0010, 0x0010), DicomTag.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("(0010,001)")]
    [InlineData("0010:0010")]
    [InlineData("(00G0,0010)")]
    public void Parse_rejects_malformed_text(string text)
    {
        Assert.False(DicomTag.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DicomTag.Parse(text));
    }

    [Fact]
    public void Formats_upper_case_hex_and_orders_by_group_then_element()
    {
        Assert.Equal("(7FE0,0010)", DicomTags.PixelData.ToString());
        Assert.True(new DicomTag(0x0008, 0xFFFF) < new DicomTag(0x0009, 0x0000));
        Assert.Equal(0x7FE00010u, DicomTags.PixelData.Value);
        Assert.Equal(DicomTags.PixelData, new DicomTag(0x7FE00010));
    }

    [Fact]
    public void Private_tags_and_blocks()
    {
        var creator = new DicomTag(0x0029, 0x0011);
        Assert.True(creator.IsPrivate);
        Assert.True(creator.IsPrivateCreator);
        var element = DicomTag.PrivateElement(0x0029, 0x11, 0x05);
        Assert.Equal(new DicomTag(0x0029, 0x1105), element);
        Assert.Equal(creator, element.PrivateCreatorTag);
        Assert.False(DicomTags.PatientName.IsPrivate);
        Assert.False(new DicomTag(0x0001, 0x0010).IsPrivate); // groups 1, 3, 5, 7 are not private
        Assert.Throws<ArgumentOutOfRangeException>(() => DicomTag.PrivateElement(0x0010, 0x10, 0));
    }
}
