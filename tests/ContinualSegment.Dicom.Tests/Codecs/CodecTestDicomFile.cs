using System.Buffers.Binary;
using System.Text;
using ContinualSegment.Dicom.Codecs;

namespace ContinualSegment.Dicom.Tests.Codecs;

/// <summary>
/// Test-only minimal Part 10 reader: top-level elements of Implicit or Explicit VR Little Endian data sets, and the
/// items of encapsulated pixel data. It exists so that the codec tests do not depend on the toolkit's own reader.
/// </summary>
internal sealed class CodecTestDicomFile
{
    internal const uint PixelDataTag = 0x7FE00010;

    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"];

    private readonly Dictionary<uint, byte[]> elements = [];

    private CodecTestDicomFile(byte[] bytes)
    {
        Bytes = bytes;
    }

    internal byte[] Bytes { get; }

    internal string TransferSyntaxUid { get; private set; } = string.Empty;

    /// <summary>Offset of the first data set element (after the file meta information).</summary>
    internal int DataSetOffset { get; private set; }

    /// <summary>Offset of the (7FE0,0010) element's tag.</summary>
    internal int PixelDataOffset { get; private set; } = -1;

    /// <summary>Native pixel data value, or null when encapsulated.</summary>
    internal byte[]? NativePixelData { get; private set; }

    /// <summary>Basic Offset Table entries (empty when the first item is empty).</summary>
    internal List<long> BasicOffsetTable { get; } = [];

    internal List<ReadOnlyMemory<byte>> Fragments { get; } = [];

    internal static CodecTestDicomFile Read(string path)
    {
        var file = new CodecTestDicomFile(File.ReadAllBytes(path));
        file.Parse();
        return file;
    }

    internal string GetString(uint tag) => elements.TryGetValue(tag, out byte[]? v) ? Encoding.ASCII.GetString(v).TrimEnd('\0', ' ') : string.Empty;

    internal int GetUInt16(uint tag, int fallback = 0) => elements.TryGetValue(tag, out byte[]? v) && v.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(v) : fallback;

    internal double GetDecimal(uint tag, double fallback)
        => elements.ContainsKey(tag) ? double.Parse(GetString(tag), System.Globalization.CultureInfo.InvariantCulture) : fallback;

    internal ImagePixelDescription Description()
    {
        string frames = GetString(0x00280008);
        return new ImagePixelDescription(
            GetUInt16(0x00280010),
            GetUInt16(0x00280011),
            GetUInt16(0x00280002, 1),
            GetUInt16(0x00280100),
            GetUInt16(0x00280101),
            GetUInt16(0x00280102),
            GetUInt16(0x00280103),
            GetUInt16(0x00280006),
            GetString(0x00280004),
            frames.Length == 0 ? 1 : int.Parse(frames, System.Globalization.CultureInfo.InvariantCulture));
    }

    private void Parse()
    {
        if (Bytes.Length < 132 || Encoding.ASCII.GetString(Bytes, 128, 4) != "DICM")
        {
            throw new InvalidDataException("Not a Part 10 file");
        }

        int pos = 132;
        while (pos + 8 <= Bytes.Length && BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos)) == 0x0002)
        {
            pos = ReadElement(pos, explicitVr: true, topLevel: true);
        }

        TransferSyntaxUid = GetString(0x00020010);
        DataSetOffset = pos;
        bool explicitVr = TransferSyntaxUid != TransferSyntaxCodecs.ImplicitVRLittleEndian;
        while (pos + 8 <= Bytes.Length)
        {
            pos = ReadElement(pos, explicitVr, topLevel: true);
        }
    }

    private int ReadElement(int pos, bool explicitVr, bool topLevel)
    {
        uint tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos)) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos + 2));
        int start = pos;
        uint length;
        if (tag is 0xFFFEE000 or 0xFFFEE00D or 0xFFFEE0DD)
        {
            throw new InvalidDataException($"Unexpected delimiter at {pos}");
        }

        if (explicitVr)
        {
            string vr = Encoding.ASCII.GetString(Bytes, pos + 4, 2);
            if (LongVrs.Contains(vr))
            {
                length = BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(pos + 8));
                pos += 12;
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos + 6));
                pos += 8;
            }
        }
        else
        {
            length = BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(pos + 4));
            pos += 8;
        }

        if (length == 0xFFFFFFFF)
        {
            if (tag == PixelDataTag && topLevel)
            {
                PixelDataOffset = start;
                return ReadEncapsulated(pos);
            }

            return SkipUndefinedSequence(pos, explicitVr);
        }

        if (pos + length > Bytes.Length)
        {
            throw new InvalidDataException($"Element ({tag:X8}) at {start} overruns the file");
        }

        if (topLevel)
        {
            byte[] value = Bytes.AsSpan(pos, (int)length).ToArray();
            elements[tag] = value;
            if (tag == PixelDataTag)
            {
                PixelDataOffset = start;
                NativePixelData = value;
            }
        }

        return pos + (int)length;
    }

    private int ReadEncapsulated(int pos)
    {
        bool first = true;
        while (true)
        {
            uint tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos)) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos + 2));
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(pos + 4)));
            pos += 8;
            if (tag == 0xFFFEE0DD)
            {
                return pos;
            }

            if (tag != 0xFFFEE000)
            {
                throw new InvalidDataException($"Item expected in pixel data at {pos - 8}");
            }

            var value = new ReadOnlyMemory<byte>(Bytes, pos, length);
            if (first)
            {
                for (int i = 0; i + 4 <= length; i += 4)
                {
                    BasicOffsetTable.Add(BinaryPrimitives.ReadUInt32LittleEndian(value.Span[i..]));
                }

                first = false;
            }
            else
            {
                Fragments.Add(value);
            }

            pos += length;
        }
    }

    private int SkipUndefinedSequence(int pos, bool explicitVr)
    {
        while (true)
        {
            uint tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos)) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos + 2));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(pos + 4));
            pos += 8;
            if (tag == 0xFFFEE0DD)
            {
                return pos;
            }

            if (length != 0xFFFFFFFF)
            {
                pos += (int)length;
                continue;
            }

            // Item of undefined length: nested elements up to the item delimiter.
            while (((uint)BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos)) << 16 | BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(pos + 2))) != 0xFFFEE00D)
            {
                pos = ReadElement(pos, explicitVr, topLevel: false);
            }

            pos += 8;
        }
    }
}
