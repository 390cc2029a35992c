using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class PixelDataConverterTests
{
    [Fact]
    public void ToInt32_Signed12BitsIn16_MasksAndSignExtends()
    {
        var d = new ImagePixelDescription(1, 4, 1, 16, 12, 11, 1, 0, "MONOCHROME2", 1);
        byte[] frame = [0xFF, 0x0F, 0x00, 0x08, 0xFF, 0x07, 0x23, 0xF1];

        int[] values = PixelDataConverter.ToInt32(frame, d);

        Assert.Equal(new[] { -1, -2048, 2047, 0x123 }, values);
    }

    [Fact]
    public void ToUInt16_HighBitAboveBitsStored_ShiftsDown()
    {
        var d = new ImagePixelDescription(1, 2, 1, 16, 12, 15, 0, 0, "MONOCHROME2", 1);
        byte[] frame = [0xF0, 0xFF, 0x1F, 0x00];

        ushort[] values = PixelDataConverter.ToUInt16(frame, d);

        Assert.Equal(new ushort[] { 4095, 1 }, values);
    }

    [Fact]
    public void ToInt16_CtSmall_EqualsPydicomPixelArray()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile ct = CodecTestDicomFile.Read(TestFile("CT_small.dcm"));
        string raw = temp.File("ct.raw");
        Run(Python, "-c", "import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); open(sys.argv[2], 'wb').write(ds.pixel_array.astype('<i2').tobytes())", TestFile("CT_small.dcm"), raw);
        byte[] expectedBytes = File.ReadAllBytes(raw);
        short[] expected = new short[expectedBytes.Length / 2];
        Buffer.BlockCopy(expectedBytes, 0, expected, 0, expectedBytes.Length);

        short[] values = PixelDataConverter.ToInt16(CodecTestData.NativeFrames(ct)[0], ct.Description());

        Assert.Equal(expected, values);
    }

    [Fact]
    public void ToRescaled_CtSmall_EqualsPydicomModalityLut()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile ct = CodecTestDicomFile.Read(TestFile("CT_small.dcm"));
        string raw = temp.File("hu.raw");
        Run(
            Python,
            "-c",
            "import sys, pydicom; from pydicom.pixel_data_handlers.util import apply_modality_lut; ds = pydicom.dcmread(sys.argv[1]); open(sys.argv[2], 'wb').write(apply_modality_lut(ds.pixel_array, ds).astype('<f4').tobytes())",
            TestFile("CT_small.dcm"),
            raw);
        byte[] expectedBytes = File.ReadAllBytes(raw);
        float[] expected = new float[expectedBytes.Length / 4];
        Buffer.BlockCopy(expectedBytes, 0, expected, 0, expectedBytes.Length);
        double slope = ct.GetDecimal(0x00281053, 1);
        double intercept = ct.GetDecimal(0x00281052, 0);

        float[] hu = PixelDataConverter.ToRescaled(CodecTestData.NativeFrames(ct)[0], ct.Description(), slope, intercept);

        Assert.Equal(expected.Length, hu.Length);
        for (int i = 0; i < hu.Length; i++)
        {
            Assert.Equal(expected[i], hu[i], 3);
        }

        // Into a slice of a larger buffer (a volume's plane): the same values, nothing written around it.
        float[] volume = new float[hu.Length + 20];
        Array.Fill(volume, -7f);
        PixelDataConverter.ToRescaled(CodecTestData.NativeFrames(ct)[0], ct.Description(), slope, intercept, volume.AsSpan(10, hu.Length));
        Assert.Equal(hu, volume[10..(10 + hu.Length)]);
        Assert.All(volume[..10].Concat(volume[(10 + hu.Length)..]), v => Assert.Equal(-7f, v));
        Assert.Throws<ArgumentException>(() => PixelDataConverter.ToRescaled(CodecTestData.NativeFrames(ct)[0], ct.Description(), slope, intercept, new float[hu.Length - 1]));
    }

    [Fact]
    public void ToPlanarConfiguration_Rgb_MovesSamplesToPlanesAndBack()
    {
        var d = new ImagePixelDescription(1, 2, 3, 8, 8, 7, 0, 0, "RGB", 1);
        byte[] interleaved = [1, 2, 3, 4, 5, 6];

        byte[] planar = PixelDataConverter.ToPlanarConfiguration(interleaved, d, 1);
        byte[] back = PixelDataConverter.ToPlanarConfiguration(planar, d with { PlanarConfiguration = 1 }, 0);

        Assert.Equal(new byte[] { 1, 4, 2, 5, 3, 6 }, planar);
        Assert.Equal(interleaved, back);
    }

    [Fact]
    public void ToPlanarConfiguration_SixteenBit_KeepsSampleBytesTogether()
    {
        var d = new ImagePixelDescription(1, 2, 3, 16, 16, 15, 0, 0, "RGB", 1);
        byte[] interleaved = [1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60];

        byte[] planar = PixelDataConverter.ToPlanarConfiguration(interleaved, d, 1);

        Assert.Equal(new byte[] { 1, 10, 4, 40, 2, 20, 5, 50, 3, 30, 6, 60 }, planar);
    }

    [Fact]
    public void Conversions_ThatDoNotFit_ThrowDicomException()
    {
        var signed = ImagePixelDescription.Monochrome(1, 1, 16, 16, signed: true);
        var wide = ImagePixelDescription.Monochrome(1, 1, 16, 16, signed: false);

        Assert.Throws<DicomException>(() => PixelDataConverter.ToUInt16(new byte[2], signed));
        Assert.Throws<DicomException>(() => PixelDataConverter.ToInt16(new byte[2], wide));
        Assert.Throws<DicomException>(() => PixelDataConverter.ToByte(new byte[2], wide));
        Assert.Throws<DicomException>(() => PixelDataConverter.ToInt32(new byte[3], wide));
        Assert.Throws<DicomException>(() => PixelDataConverter.ToRescaled(new byte[2], wide, double.NaN, 0));
    }

    [Fact]
    public void ToByte_EightBit_ReturnsSamples()
    {
        var d = ImagePixelDescription.Monochrome(1, 3, 8, 8, signed: false);

        Assert.Equal(new byte[] { 0, 128, 255 }, PixelDataConverter.ToByte([0, 128, 255], d));
    }
}
