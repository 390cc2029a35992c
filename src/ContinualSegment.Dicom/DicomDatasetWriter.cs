using System.Buffers.Binary;
using System.IO.Compression;

namespace ContinualSegment.Dicom;

/// <summary>Writes raw data sets (no preamble, no meta) in Implicit VR LE, Explicit VR LE/BE or Deflated Explicit VR LE.</summary>
public sealed class DicomDatasetWriter
{
    /// <summary>The longest element header: tag, VR, two reserved bytes and a 32-bit length.</summary>
    public const int MaxElementHeaderLength = 12;

    private const uint UndefinedLength = 0xFFFFFFFF;

    private readonly Stream output;
    private readonly bool explicitVR;
    private readonly bool bigEndian;
    private readonly DicomWriteOptions options;
    private readonly byte[] header = new byte[12];

    private DicomDatasetWriter(Stream output, bool explicitVR, bool bigEndian, DicomWriteOptions options)
    {
        this.output = output;
        this.explicitVR = explicitVR;
        this.bigEndian = bigEndian;
        this.options = options;
    }

    /// <summary>Writes <paramref name="dataset"/> encoded in <paramref name="transferSyntax"/>; group length elements (gggg,0000) are dropped.</summary>
    public static void Write(Stream output, DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        options ??= DicomWriteOptions.Default;
        if (transferSyntax.IsDeflated)
        {
            using var deflate = new DeflatedDataSetStream(output, options.DeflateLevel);
            using var buffered = new BufferedStream(deflate, 1 << 16);
            new DicomDatasetWriter(buffered, true, false, options).WriteItems(dataset, skipGroupLengths: true);
            return;
        }

        var writer = new DicomDatasetWriter(output, transferSyntax.IsExplicitVR, transferSyntax.IsBigEndian, options);
        if (options.RecomputeGroupLengths)
        {
            writer.WriteWithGroupLengths(dataset);
        }
        else
        {
            writer.WriteItems(dataset, skipGroupLengths: true);
        }
    }

    /// <summary>Encodes a data set to a byte array.</summary>
    public static byte[] ToBytes(DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomWriteOptions? options = null)
    {
        using var ms = new MemoryStream();
        Write(ms, dataset, transferSyntax, options);
        return ms.ToArray();
    }

    /// <summary>
    /// Encodes the header of an element whose value the caller writes itself (e.g. streamed pixel data): tag, VR where
    /// the transfer syntax is explicit, and the value length, as <see cref="Write"/> encodes them in
    /// <paramref name="transferSyntax"/> (a deflated syntax encodes as Explicit VR Little Endian before deflation).
    /// </summary>
    /// <param name="destination">At least <see cref="MaxElementHeaderLength"/> bytes.</param>
    /// <param name="tag">The element's tag.</param>
    /// <param name="vr">The element's VR.</param>
    /// <param name="length">The value length in bytes (even), or 0xFFFFFFFF for undefined length where the VR allows it.</param>
    /// <param name="transferSyntax">The transfer syntax of the data set the element is written into.</param>
    /// <returns>The number of bytes written: 8, or 12 for an explicit VR with a 32-bit length.</returns>
    /// <exception cref="DicomException">The length does not fit the VR's length field in an explicit VR syntax.</exception>
    public static int EncodeElementHeader(Span<byte> destination, DicomTag tag, DicomVR vr, uint length, DicomTransferSyntax transferSyntax)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        if (destination.Length < MaxElementHeaderLength)
        {
            throw new ArgumentException($"An element header needs {MaxElementHeaderLength} bytes.", nameof(destination));
        }

        if (transferSyntax.IsExplicitVR && !vr.Is32BitLength && length > 0xFFFF)
        {
            throw new DicomException($"{tag}: a {vr} value of {length} bytes does not fit the 16-bit length of explicit VR encoding.");
        }

        return EncodeHeader(destination, tag, vr, length, transferSyntax.IsExplicitVR, transferSyntax.IsBigEndian);
    }

    /// <summary>Writes group 0002 in Explicit VR Little Endian, including elements as given.</summary>
    internal static void WriteMeta(Stream output, DicomDataset meta, DicomWriteOptions options) =>
        new DicomDatasetWriter(output, true, false, options).WriteItems(meta, skipGroupLengths: false);

    private void WriteWithGroupLengths(DicomDataset dataset)
    {
        var elements = dataset.Where(static e => e.Tag.Element != 0).ToList();
        var i = 0;
        while (i < elements.Count)
        {
            var group = elements[i].Tag.Group;
            var j = i;
            long length = 0;
            while (j < elements.Count && elements[j].Tag.Group == group)
            {
                length += ElementLength(elements[j]);
                j++;
            }

            var header = DicomElement.FromValues(new DicomTag(group, 0x0000), DicomVR.UL, checked((uint)length));
            WriteElement(header);
            for (; i < j; i++)
            {
                WriteElement(elements[i]);
            }
        }
    }

    private void WriteItems(DicomDataset dataset, bool skipGroupLengths)
    {
        foreach (var element in dataset)
        {
            if (skipGroupLengths && element.Tag.Element == 0 && element.Tag.Group != 0x0002)
            {
                continue;
            }

            WriteElement(element);
        }
    }

    private void WriteElement(DicomElement element)
    {
        switch (element)
        {
            case DicomSequence sq:
                WriteSequence(sq);
                return;
            case DicomFragmentSequence fragments:
                WriteFragments(fragments);
                return;
        }

        var vr = element.VR;
        var length = element.Length;
        var padded = length + (length & 1);
        if (explicitVR && !vr.Is32BitLength && padded > 0xFFFF)
        {
            if (!options.WriteOverlongValuesAsUN)
            {
                throw new DicomException(
                    $"{element.Tag} {DicomDictionary.KeywordOf(element.Tag)}: a {vr} value of {padded} bytes does not fit the 16-bit length of explicit VR encoding (set WriteOverlongValuesAsUN to write it as UN).");
            }

            vr = DicomVR.UN;
        }

        WriteHeader(element.Tag, vr, (uint)padded);
        WriteValue(element.Value.Span, vr == DicomVR.UN ? element.VR : vr);
        if ((length & 1) == 1)
        {
            output.WriteByte(element.VR.PaddingByte);
        }
    }

    private void WriteValue(ReadOnlySpan<byte> value, DicomVR vr)
    {
        var unit = vr == DicomVR.AT ? 2 : vr.UnitSize;
        if (!bigEndian || unit == 1 || value.IsEmpty)
        {
            output.Write(value);
            return;
        }

        var copy = value.ToArray();
        for (var i = 0; i + unit <= copy.Length; i += unit)
        {
            copy.AsSpan(i, unit).Reverse();
        }

        output.Write(copy);
    }

    private void WriteSequence(DicomSequence sq)
    {
        var undefined = UsesUndefinedLength(sq);
        WriteHeader(sq.Tag, DicomVR.SQ, undefined ? UndefinedLength : checked((uint)SequenceContentLength(sq, undefined)));
        foreach (var item in sq.Items)
        {
            WriteDelimiter(DicomTags.Item, undefined ? UndefinedLength : checked((uint)ItemsLength(item)));
            WriteItems(item, skipGroupLengths: true);
            if (undefined)
            {
                WriteDelimiter(DicomTags.ItemDelimitationItem, 0);
            }
        }

        if (undefined)
        {
            WriteDelimiter(DicomTags.SequenceDelimitationItem, 0);
        }
    }

    private void WriteFragments(DicomFragmentSequence fragments)
    {
        WriteHeader(fragments.Tag, DicomVR.OB, UndefinedLength); // encapsulated data is always OB (PS3.5 §A.4)
        var table = fragments.BasicOffsetTable.Span;
        WriteDelimiter(DicomTags.Item, (uint)table.Length);
        WriteValue(table, DicomVR.UL);
        foreach (var fragment in fragments.Fragments)
        {
            var length = fragment.Length;
            WriteDelimiter(DicomTags.Item, (uint)(length + (length & 1)));
            output.Write(fragment.Span);
            if ((length & 1) == 1)
            {
                output.WriteByte(0);
            }
        }

        WriteDelimiter(DicomTags.SequenceDelimitationItem, 0);
    }

    /// <summary>
    /// Undefined length when asked for, and always for a sequence that implicit VR readers cannot recognise by its tag
    /// (private or unknown tags): only the undefined length tells them it is a sequence.
    /// </summary>
    private bool UsesUndefinedLength(DicomSequence sq) =>
        options.UndefinedSequenceLength || (!explicitVR && DicomDictionary.DefaultVR(sq.Tag) != DicomVR.SQ);

    private long SequenceContentLength(DicomSequence sq, bool undefined)
    {
        long total = undefined ? 8 : 0;
        foreach (var item in sq.Items)
        {
            total += 8 + ItemsLength(item) + (undefined ? 8 : 0);
        }

        return total;
    }

    private long ItemsLength(DicomDataset item)
    {
        long total = 0;
        foreach (var e in item)
        {
            if (e.Tag.Element == 0)
            {
                continue;
            }

            total += ElementLength(e);
        }

        return total;
    }

    private long ElementLength(DicomElement e)
    {
        var vr = e.VR;
        long valueLength;
        switch (e)
        {
            case DicomSequence sq:
                return (explicitVR ? 12 : 8) + SequenceContentLength(sq, UsesUndefinedLength(sq));
            case DicomFragmentSequence f:
                valueLength = 8 + f.BasicOffsetTable.Length + 8;
                foreach (var fragment in f.Fragments)
                {
                    valueLength += 8 + fragment.Length + (fragment.Length & 1);
                }

                return (explicitVR ? 12 : 8) + valueLength;
            default:
                valueLength = e.Length + (e.Length & 1);
                if (explicitVR && !vr.Is32BitLength && valueLength > 0xFFFF)
                {
                    vr = DicomVR.UN;
                }

                return (explicitVR ? (vr.Is32BitLength ? 12 : 8) : 8) + valueLength;
        }
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length) =>
        output.Write(header.AsSpan(0, EncodeHeader(header, tag, vr, length, explicitVR, bigEndian)));

    private static int EncodeHeader(Span<byte> h, DicomTag tag, DicomVR vr, uint length, bool explicitVR, bool bigEndian)
    {
        WriteU16(h, tag.Group, bigEndian);
        WriteU16(h[2..], tag.Element, bigEndian);
        if (!explicitVR)
        {
            WriteU32(h[4..], length, bigEndian);
            return 8;
        }

        h[4] = (byte)vr.Code[0];
        h[5] = (byte)vr.Code[1];
        if (vr.Is32BitLength)
        {
            h[6] = 0;
            h[7] = 0;
            WriteU32(h[8..], length, bigEndian);
            return 12;
        }

        WriteU16(h[6..], (ushort)length, bigEndian);
        return 8;
    }

    private void WriteDelimiter(DicomTag tag, uint length)
    {
        var h = header.AsSpan();
        WriteU16(h, tag.Group, bigEndian);
        WriteU16(h[2..], tag.Element, bigEndian);
        WriteU32(h[4..], length, bigEndian);
        output.Write(h[..8]);
    }

    private static void WriteU16(Span<byte> span, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    private static void WriteU32(Span<byte> span, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }
}
