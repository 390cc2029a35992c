using System.Buffers.Binary;
using System.Text;
using ContinualSegment.Dicom.Codecs;

namespace ContinualSegment.Dicom.Tests.Codecs;

/// <summary>Test-only helpers: reference frames, decoding through the codecs, and writing encapsulated test files.</summary>
internal static class CodecTestData
{
    /// <summary>The native frames of an uncompressed Explicit or Implicit VR Little Endian file.</summary>
    internal static byte[][] NativeFrames(CodecTestDicomFile file)
    {
        ImagePixelDescription d = file.Description();
        byte[] pixels = file.NativePixelData ?? throw new InvalidOperationException("File has encapsulated pixel data");
        Assert.True(pixels.Length >= d.FrameLength * d.NumberOfFrames, "reference pixel data shorter than its frames");
        var frames = new byte[d.NumberOfFrames][];
        for (int f = 0; f < frames.Length; f++)
        {
            frames[f] = pixels.AsSpan((int)(f * d.FrameLength), (int)d.FrameLength).ToArray();
        }

        return frames;
    }

    /// <summary>
    /// Writes (with pydicom) CT_small shifted by -1024 and stored as signed 12-bit samples in 16 bits, so that negative
    /// values have their sign copied into the four unused high bits; returns the file's path.
    /// </summary>
    internal static string CreateSigned12BitCt(CodecPeerTools.TempFolder temp)
    {
        string path = temp.File("ct12.dcm");
        CodecPeerTools.Run(
            CodecPeerTools.Python,
            "-c",
            "import sys, numpy as np, pydicom; ds = pydicom.dcmread(sys.argv[1]); a = np.clip(ds.pixel_array.astype(int) - 1024, -2048, 2047).astype('<i2'); "
                + "ds.PixelData = a.tobytes(); ds.BitsStored = 12; ds.HighBit = 11; ds.save_as(sys.argv[2])",
            CodecPeerTools.TestFile("CT_small.dcm"),
            path);
        return path;
    }

    /// <summary>Decodes every frame of an encapsulated file through <see cref="PixelDataDecoder"/>.</summary>
    internal static IReadOnlyList<byte[]> DecodeAll(CodecTestDicomFile file)
        => PixelDataDecoder.DecodeFrames(file.TransferSyntaxUid, file.Description(), file.Fragments, file.BasicOffsetTable);

    /// <summary>Runs a dcmtk converter "tool [options] in out" and reads the output file.</summary>
    internal static CodecTestDicomFile Convert(CodecPeerTools.TempFolder temp, string tool, string input, params string[] options)
    {
        string output = temp.File($"{tool}-{Guid.NewGuid():N}.dcm");
        CodecPeerTools.Run(tool, [.. options, input, output]);
        return CodecTestDicomFile.Read(output);
    }

    /// <summary>
    /// Asserts that decoded frames equal the reference frames sample for sample, allowing for a different
    /// Planar Configuration in the reference file.
    /// </summary>
    internal static void AssertSameFrames(IReadOnlyList<byte[]> decoded, ImagePixelDescription decodedDescription, IReadOnlyList<byte[]> reference, ImagePixelDescription referenceDescription)
    {
        Assert.Equal(reference.Count, decoded.Count);
        for (int f = 0; f < reference.Count; f++)
        {
            byte[] ours = decoded[f];
            if (decodedDescription.SamplesPerPixel > 1 && decodedDescription.PlanarConfiguration != referenceDescription.PlanarConfiguration)
            {
                ours = PixelDataConverter.ToPlanarConfiguration(ours, decodedDescription, referenceDescription.PlanarConfiguration);
            }

            Assert.Equal(reference[f].Length, ours.Length);
            int mismatch = ours.AsSpan().CommonPrefixLength(reference[f]);
            Assert.True(mismatch == ours.Length, $"frame {f}: first difference at byte {mismatch} of {ours.Length}");
        }
    }

    /// <summary>
    /// Writes a copy of an Explicit VR Little Endian file whose pixel data is replaced by the given encapsulated frames
    /// (one fragment each, empty Basic Offset Table) under a new transfer syntax.
    /// </summary>
    internal static void WriteEncapsulated(CodecTestDicomFile source, string path, string transferSyntaxUid, IEnumerable<byte[]> frames)
    {
        Assert.Equal(TransferSyntaxCodecs.ExplicitVRLittleEndian, source.TransferSyntaxUid);
        var meta = new MemoryStream();
        WriteShortElement(meta, 0x0002, 0x0001, "OB", [0, 1]);
        WriteShortElement(meta, 0x0002, 0x0002, "UI", Uid(source.GetString(0x00020002)));
        WriteShortElement(meta, 0x0002, 0x0003, "UI", Uid(source.GetString(0x00020003)));
        WriteShortElement(meta, 0x0002, 0x0010, "UI", Uid(transferSyntaxUid));
        WriteShortElement(meta, 0x0002, 0x0012, "UI", Uid("1.2.826.0.1.3680043.10.1071.1"));

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)meta.Length);
        WriteShortElement(file, 0x0002, 0x0000, "UL", groupLength);
        meta.Position = 0;
        meta.CopyTo(file);
        file.Write(source.Bytes.AsSpan(source.DataSetOffset, source.PixelDataOffset - source.DataSetOffset));

        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0x0010);
        header[4] = (byte)'O';
        header[5] = (byte)'B';
        header[6] = 0;
        header[7] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0xFFFFFFFF);
        file.Write(header);
        WriteItem(file, 0xE000, []);
        foreach (byte[] frame in frames)
        {
            WriteItem(file, 0xE000, frame);
        }

        WriteItem(file, 0xE0DD, []);
    }

    private static byte[] Uid(string uid)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(uid);
        return bytes.Length % 2 == 0 ? bytes : [.. bytes, 0];
    }

    private static void WriteShortElement(Stream s, ushort group, ushort element, string vr, byte[] value)
    {
        bool longForm = vr is "OB";
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (longForm)
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            s.Write(header);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            s.Write(header[..8]);
        }

        s.Write(value);
    }

    private static void WriteItem(Stream s, ushort element, byte[] value)
    {
        int padded = value.Length + (value.Length & 1);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)padded);
        s.Write(header);
        s.Write(value);
        if (padded != value.Length)
        {
            s.WriteByte(0);
        }
    }
}
