using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class SingleBitPixelsTests
{
    [Fact]
    public void Unpack_Liver1Bit_EqualsPydicomPixelArray()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile liver = CodecTestDicomFile.Read(TestFile("liver_1frame.dcm"));
        Assert.Equal(1, liver.GetUInt16(0x00280100));
        string raw = temp.File("liver.raw");
        Run(Python, "-c", "import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); open(sys.argv[2], 'wb').write(ds.pixel_array.astype('u1').tobytes())", TestFile("liver_1frame.dcm"), raw);
        byte[] expected = File.ReadAllBytes(raw);

        byte[] pixels = SingleBitPixels.Unpack(liver.NativePixelData, 0, liver.GetUInt16(0x00280010) * liver.GetUInt16(0x00280011));

        Assert.Equal(expected, pixels);
        Assert.Contains((byte)1, pixels);
    }

    [Fact]
    public void Pack_EqualsPydicomPackBits()
    {
        using var temp = new TempFolder();
        var random = new Random(9);
        byte[] pixels = new byte[203];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(random.Next(3) == 0 ? 1 : 0);
        }

        File.WriteAllBytes(temp.File("pixels.raw"), pixels);
        Run(
            Python,
            "-c",
            "import sys, numpy as np; from pydicom.pixel_data_handlers.numpy_handler import pack_bits; a = np.frombuffer(open(sys.argv[1], 'rb').read(), dtype='u1'); open(sys.argv[2], 'wb').write(pack_bits(a, pad=False))",
            temp.File("pixels.raw"),
            temp.File("packed.raw"));

        byte[] packed = SingleBitPixels.Pack(pixels);

        Assert.Equal(File.ReadAllBytes(temp.File("packed.raw")), packed);
    }

    [Fact]
    public void Unpack_FrameStartingMidByte_ReadsTheRightBits()
    {
        // Frame 2 of a 3-pixel-per-frame image starts at bit 3: pixels 3, 4, 5 of 0b0010_1000.
        byte[] packed = [0b0010_1000];

        Assert.Equal(new byte[] { 1, 0, 1 }, SingleBitPixels.Unpack(packed, 3, 3));
        Assert.Throws<DicomException>(() => SingleBitPixels.Unpack(packed, 6, 3));
    }
}
