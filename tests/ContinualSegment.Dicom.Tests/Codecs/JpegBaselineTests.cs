using System.Globalization;
using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

public class JpegBaselineTests
{
    [Theory]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm", 1)]
    [InlineData("SC_rgb_dcmtk_+eb+cr.dcm", 1)]
    [InlineData("SC_rgb_dcmtk_+eb+cy+np.dcm", 1)]
    [InlineData("SC_rgb_dcmtk_+eb+cy+n1.dcm", 1)]
    [InlineData("SC_rgb_dcmtk_+eb+cy+n2.dcm", 1)]
    [InlineData("SC_rgb_dcmtk_+eb+cy+s2.dcm", 1)]
    [InlineData("SC_rgb_dcmtk_+eb+cy+s4.dcm", 1)]
    [InlineData("SC_rgb_small_odd_jpeg.dcm", 1)]
    [InlineData("JPEG-lossy.dcm", 1)]
    [InlineData("JPGExtended.dcm", 1)]
    public void Decode_LossyJpeg_MatchesDcmdjpegWithinRounding(string name, int tolerance)
    {
        using var temp = new TempFolder();
        CodecTestDicomFile jpeg = CodecTestDicomFile.Read(TestFile(name));
        CodecTestDicomFile reference = CodecTestData.Convert(temp, "dcmdjpeg", TestFile(name));
        ImagePixelDescription d = jpeg.Description();

        IReadOnlyList<byte[]> decoded = CodecTestData.DecodeAll(jpeg);

        ImagePixelDescription referenceDescription = reference.Description();
        byte[] ours = decoded[0];
        if (d.SamplesPerPixel > 1 && d.PlanarConfiguration != referenceDescription.PlanarConfiguration)
        {
            ours = PixelDataConverter.ToPlanarConfiguration(ours, d, referenceDescription.PlanarConfiguration);
        }

        int[] a = PixelDataConverter.ToInt32(ours, d with { PlanarConfiguration = referenceDescription.PlanarConfiguration, BitsStored = referenceDescription.BitsStored, HighBit = referenceDescription.HighBit, PixelRepresentation = referenceDescription.PixelRepresentation });
        int[] b = PixelDataConverter.ToInt32(CodecTestData.NativeFrames(reference)[0], referenceDescription);
        Assert.Equal(b.Length, a.Length);
        long total = 0;
        int worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int diff = Math.Abs(a[i] - b[i]);
            total += diff;
            worst = Math.Max(worst, diff);
        }

        double mean = (double)total / a.Length;
        Assert.True(worst <= tolerance && mean < 0.05, string.Create(CultureInfo.InvariantCulture, $"max difference {worst}, mean {mean:F3}"));
    }

    [Fact]
    public void Decode_ProgressiveOrLossless_ThrowsDicomException()
    {
        using var temp = new TempFolder();
        CodecTestDicomFile lossless = CodecTestData.Convert(temp, "dcmcjpeg", TestFile("CT_small.dcm"), "+e1");

        var e = Assert.Throws<DicomException>(() => JpegBaselineDecoder.Decode(lossless.Fragments[0].Span, lossless.Description()));
        Assert.Contains("SOF3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomDamage_OnlyThrowsDicomException()
    {
        CodecTestDicomFile jpeg = CodecTestDicomFile.Read(TestFile("SC_rgb_dcmtk_+eb+cy+s4.dcm"));
        ImagePixelDescription d = jpeg.Description();
        byte[] valid = jpeg.Fragments[0].ToArray();
        var random = new Random(5);
        int rejected = 0;
        for (int n = 0; n < 200; n++)
        {
            byte[] damaged = n % 2 == 0 ? valid.AsSpan(0, random.Next(valid.Length)).ToArray() : (byte[])valid.Clone();
            if (n % 2 == 1)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
                damaged[random.Next(Math.Min(700, damaged.Length))] = (byte)random.Next(256);
            }

            try
            {
                JpegBaselineDecoder.Decode(damaged, d);
            }
            catch (DicomException)
            {
                rejected++;
            }
        }

        Assert.True(rejected > 50, $"only {rejected} of 200 damaged streams were rejected");
    }
}
