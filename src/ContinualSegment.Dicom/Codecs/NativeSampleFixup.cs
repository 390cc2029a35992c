using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>Post-processing shared by the decoders of compressed frames.</summary>
internal static class NativeSampleFixup
{
    /// <summary>
    /// For signed images whose stored bits sit at the bottom of each sample (High Bit = Bits Stored - 1) but do not fill
    /// it, copies the sign bit into the unused high bits, as uncompressed two's complement data has them. Codecs that
    /// keep only Bits Stored bits return those bits as zero.
    /// </summary>
    internal static void SignExtend(Span<byte> frame, ImagePixelDescription d)
    {
        if (d.PixelRepresentation != 1 || d.BitsStored >= d.BitsAllocated || d.HighBit != d.BitsStored - 1)
        {
            return;
        }

        int unused = d.BitsAllocated - d.BitsStored;
        switch (d.BytesPerSample)
        {
            case 1:
                for (int i = 0; i < frame.Length; i++)
                {
                    frame[i] = (byte)((sbyte)(frame[i] << unused) >> unused);
                }

                break;
            case 2:
                for (int i = 0; i + 1 < frame.Length; i += 2)
                {
                    short v = BinaryPrimitives.ReadInt16LittleEndian(frame[i..]);
                    BinaryPrimitives.WriteInt16LittleEndian(frame[i..], (short)((short)(v << unused) >> unused));
                }

                break;
            default:
                for (int i = 0; i + 3 < frame.Length; i += 4)
                {
                    int v = BinaryPrimitives.ReadInt32LittleEndian(frame[i..]);
                    BinaryPrimitives.WriteInt32LittleEndian(frame[i..], (v << unused) >> unused);
                }

                break;
        }
    }
}
