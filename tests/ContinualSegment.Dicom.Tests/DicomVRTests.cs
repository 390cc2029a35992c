namespace ContinualSegment.Dicom.Tests;

public class DicomVRTests
{
    [Fact]
    public void Has_every_VR_of_the_current_standard()
    {
        string[] codes = ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"];
        Assert.Equal(codes.Order(), DicomVR.All.Select(v => v.Code).Order());
        foreach (var code in codes)
        {
            Assert.True(DicomVR.TryParse(code, out var vr));
            Assert.Equal(code, vr.Code);
        }

        Assert.False(DicomVR.TryParse("XX", out _));
        Assert.Throws<DicomException>(() => DicomVR.Parse("ox"));
    }

    [Fact]
    public void Explicit_length_field_sizes_follow_PS3_5_table_7_1_1()
    {
        string[] longOnes = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];
        foreach (var vr in DicomVR.All)
        {
            Assert.Equal(longOnes.Contains(vr.Code), vr.Is32BitLength);
        }
    }

    [Fact]
    public void Padding_and_kinds()
    {
        Assert.Equal((byte)0, DicomVR.UI.PaddingByte);
        Assert.Equal((byte)' ', DicomVR.LO.PaddingByte);
        Assert.Equal((byte)0, DicomVR.OB.PaddingByte);
        Assert.True(DicomVR.PN.IsString);
        Assert.True(DicomVR.PN.UsesSpecificCharacterSet);
        Assert.False(DicomVR.CS.UsesSpecificCharacterSet);
        Assert.True(DicomVR.FD.IsBinary);
        Assert.False(DicomVR.SQ.IsBinary);
        Assert.False(DicomVR.LT.IsMultiValuedString);
        Assert.Equal(64, DicomVR.UI.MaxLength);
        Assert.Equal(8, DicomVR.FD.UnitSize);
    }
}
