using System.Text;

namespace ContinualSegment.Dicom.Tests;

public class DicomElementTests
{
    private static DicomElement Raw(DicomVR vr, string latin1) => new(new DicomTag(0x0009, 0x1001), vr, Encoding.Latin1.GetBytes(latin1));

    [Fact]
    public void Strings_split_on_backslash_and_drop_padding()
    {
        var cs = Raw(DicomVR.CS, "ORIGINAL\\PRIMARY\\AXIAL ");
        Assert.Equal(["ORIGINAL", "PRIMARY", "AXIAL"], cs.GetStrings());
        Assert.Equal(3, cs.ValueCount);
        Assert.Equal("PRIMARY", cs.GetString(1));
        Assert.Throws<DicomException>(() => cs.GetString(3));
        var uid = Raw(DicomVR.UI, "1.2.3\0");
        Assert.Equal("1.2.3", uid.GetString());
        var lt = Raw(DicomVR.LT, "  indented\\not split  ");
        Assert.Equal(["  indented\\not split"], lt.GetStrings());
        Assert.Equal(0, Raw(DicomVR.LO, "  ").ValueCount);
    }

    [Fact]
    public void Created_strings_are_padded_to_even_length_with_the_VR_padding()
    {
        var uid = DicomElement.FromStrings(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.345");
        Assert.Equal(8, uid.Length);
        Assert.Equal(0, uid.Value.Span[7]);
        var lo = DicomElement.FromStrings(DicomTags.PatientID, DicomVR.LO, "abc");
        Assert.Equal((byte)' ', lo.Value.Span[3]);
        Assert.Equal("abc", lo.GetString());
        Assert.Throws<DicomException>(() => DicomElement.FromStrings(DicomTags.Rows, DicomVR.US, "1"));
    }

    [Fact]
    public void Binary_numbers_with_multiplicity()
    {
        var us = DicomElement.FromValues<ushort>(DicomTags.Rows, DicomVR.US, 512, 7);
        Assert.Equal(2, us.ValueCount);
        Assert.Equal(512, us.GetInt32());
        Assert.Equal(7, us.GetInt32(1));
        var ss = DicomElement.FromValues<short>(new DicomTag(0x0028, 0x0106), DicomVR.SS, -1024);
        Assert.Equal(-1024, ss.GetInt32());
        var fd = DicomElement.FromValues(new DicomTag(0x0018, 0x9087), DicomVR.FD, 1.5, -2.25);
        Assert.Equal([1.5, -2.25], fd.GetDoubles());
        var fl = DicomElement.FromValues(new DicomTag(0x0018, 0x9087), DicomVR.FL, 0.5f);
        Assert.Equal(0.5, fl.GetDouble());
        var ul = DicomElement.FromValues(new DicomTag(0x0008, 0x0000), DicomVR.UL, 4000000000u);
        Assert.Equal(4000000000L, ul.GetInt64());
        Assert.Throws<DicomException>(() => ul.GetInt32());
        Assert.Equal([512, 7], us.GetValues<ushort>());
    }

    [Fact]
    public void IS_and_DS_parse_as_numbers()
    {
        var ds = Raw(DicomVR.DS, " -0.5\\1e3\\12 ");
        Assert.Equal([-0.5, 1000, 12], ds.GetDoubles());
        var isv = Raw(DicomVR.IS, "+42 ");
        Assert.Equal(42, isv.GetInt32());
        Assert.Throws<DicomException>(() => Raw(DicomVR.IS, "4.2").GetInt32());
        Assert.Throws<DicomException>(() => Raw(DicomVR.DS, "abc").GetDouble());
    }

    [Fact]
    public void Dates_times_and_date_times()
    {
        Assert.Equal(new DateOnly(2004, 1, 19), Raw(DicomVR.DA, "20040119").GetDate());
        Assert.Equal(new DateOnly(1999, 12, 31), Raw(DicomVR.DA, "1999.12.31").GetDate());
        Assert.Throws<DicomException>(() => Raw(DicomVR.DA, "20040231").GetDate());
        Assert.Equal(new TimeOnly(7, 27, 30), Raw(DicomVR.TM, "072730").GetTime());
        Assert.Equal(new TimeOnly(7, 27, 0), Raw(DicomVR.TM, "0727").GetTime());
        Assert.Equal(new TimeOnly(7, 27, 30).Add(TimeSpan.FromTicks(1_250_000)), Raw(DicomVR.TM, "072730.125").GetTime());
        Assert.Equal(new TimeOnly(10, 20, 30), Raw(DicomVR.TM, "10:20:30").GetTime());
        Assert.Throws<DicomException>(() => Raw(DicomVR.TM, "256000").GetTime());
        var dt = Raw(DicomVR.DT, "20200217030308.056021+0130").GetDateTime();
        Assert.Equal(new DateTimeOffset(2020, 2, 17, 3, 3, 8, new TimeSpan(1, 30, 0)).AddTicks(560_210), dt);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), Raw(DicomVR.DT, "2020").GetDateTime());
        Assert.Throws<DicomException>(() => Raw(DicomVR.DT, "2020+99").GetDateTime());
    }

    [Fact]
    public void Person_names_have_groups_and_components()
    {
        var pn = Raw(DicomVR.PN, "Yamada^Tarou=YAMADA^TAROU=yamada^tarou\\Doe^John^^Dr").GetPersonName();
        Assert.Equal("Yamada", pn.FamilyName);
        Assert.Equal("Tarou", pn.GivenName);
        Assert.Equal("YAMADA^TAROU", pn.Ideographic);
        Assert.Equal("yamada^tarou", pn.Phonetic);
        var second = Raw(DicomVR.PN, "Yamada^Tarou\\Doe^John^^Dr").GetPersonName(1);
        Assert.Equal("Dr", second.NamePrefix);
        Assert.Equal("Doe^John", DicomPersonName.FromComponents("Doe", "John").ToString());
    }

    [Fact]
    public void Attribute_tags_and_reinterpretation()
    {
        var at = DicomElement.FromTags(new DicomTag(0x0028, 0x0009), DicomTags.PixelData, new DicomTag(0x3004, 0x000C));
        Assert.Equal(DicomTags.PixelData, at.GetTag());
        Assert.Equal(new DicomTag(0x3004, 0x000C), at.GetTag(1));
        var asOw = new DicomElement(DicomTags.Rows, DicomVR.OW, new byte[] { 0, 2 });
        Assert.Equal(512, asOw.ReinterpretAs(DicomVR.US).GetInt32());
    }
}
