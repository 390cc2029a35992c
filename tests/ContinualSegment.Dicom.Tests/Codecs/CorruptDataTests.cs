using System.Diagnostics;
using ContinualSegment.Dicom.Codecs;
using static ContinualSegment.Dicom.Tests.Codecs.CodecPeerTools;

namespace ContinualSegment.Dicom.Tests.Codecs;

/// <summary>Randomly damaged streams must either decode or throw DicomException: never another exception, never hang.</summary>
public class CorruptDataTests
{
    private const int Mutations = 300;

    [Fact]
    public void RleDecode_RandomDamage_OnlyThrowsDicomException()
    {
        CodecTestDicomFile rle = CodecTestDicomFile.Read(TestFile("SC_rgb_rle_16bit.dcm"));

        AssertOnlyDicomExceptions(rle.Fragments[0].ToArray(), rle.Description(), (s, d) => RleCodec.Decode(s, d), seed: 11);
    }

    [Fact]
    public void JpegLosslessDecode_RandomDamage_OnlyThrowsDicomException()
    {
        var d = ImagePixelDescription.Rgb8(16, 24);
        byte[] frame = new byte[d.FrameLength];
        new Random(3).NextBytes(frame);
        byte[] stream = JpegLosslessEncoder.Encode(frame, d, predictor: 7, restartIntervalRows: 2);

        AssertOnlyDicomExceptions(stream, d, (s, desc) => JpegLosslessDecoder.Decode(s, desc), seed: 12);
    }

    private static void AssertOnlyDicomExceptions(byte[] valid, ImagePixelDescription d, Func<byte[], ImagePixelDescription, byte[]> decode, int seed)
    {
        var random = new Random(seed);
        var watch = Stopwatch.StartNew();
        int rejected = 0;
        for (int n = 0; n < Mutations; n++)
        {
            byte[] damaged;
            switch (n % 3)
            {
                case 0:
                    damaged = valid.AsSpan(0, random.Next(valid.Length)).ToArray();
                    break;
                case 1:
                    damaged = (byte[])valid.Clone();
                    for (int k = 0; k < 1 + random.Next(8); k++)
                    {
                        damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
                    }

                    break;
                default:
                    damaged = (byte[])valid.Clone();
                    int at = random.Next(Math.Min(80, damaged.Length));
                    damaged[at] = (byte)random.Next(256);
                    break;
            }

            try
            {
                decode(damaged, d);
            }
            catch (DicomException)
            {
                rejected++;
            }
        }

        Assert.True(rejected > Mutations / 4, $"only {rejected} of {Mutations} damaged streams were rejected");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "decoding damaged streams took too long");
    }
}
