using System.Buffers.Binary;

namespace ContinualSegment.Dicom;

/// <summary>
/// Parses a raw data set (no preamble, no meta) from a buffer. Values are slices of the buffer, except
/// big-endian binary values, which are copied once into little-endian order.
/// </summary>
public sealed class DicomDatasetReader
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;

    private readonly ReadOnlyMemory<byte> buffer;
    private readonly DicomReadOptions options;
    private readonly bool bufferIsComplete;
    private readonly long baseOffset;
    private bool explicitVR;
    private bool bigEndian;
    private int pos;
    private int depth;

    internal DicomDatasetReader(ReadOnlyMemory<byte> buffer, bool explicitVR, bool bigEndian, DicomReadOptions options, bool bufferIsComplete, long baseOffset)
    {
        this.buffer = buffer;
        this.explicitVR = explicitVR;
        this.bigEndian = bigEndian;
        this.options = options;
        this.bufferIsComplete = bufferIsComplete;
        this.baseOffset = baseOffset;
    }

    internal void Seek(int position) => pos = position;

    /// <summary>Position after the last element read.</summary>
    internal int Position => pos;

    /// <summary>True when reading stopped at <see cref="DicomReadOptions.StopBeforeTag"/>.</summary>
    internal bool StoppedEarly { get; private set; }

    /// <summary>Where the top-level element being read (or last read) starts in the buffer.</summary>
    internal int ElementStart { get; private set; }

    /// <summary>
    /// When set, the buffer is a window of a longer stream: a large top-level value that runs past the window is read
    /// from here into its own buffer, and reading goes on after it (<see cref="Position"/> then lies past the window).
    /// </summary>
    internal FileWindowSource? LargeValues { get; init; }

    /// <summary>Reads a whole data set encoded in <paramref name="transferSyntax"/> (a deflated syntax must already be inflated).</summary>
    public static DicomDataset Read(ReadOnlyMemory<byte> data, DicomTransferSyntax transferSyntax, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transferSyntax);
        options ??= DicomReadOptions.Default;
        options.Validate();
        var reader = new DicomDatasetReader(data, transferSyntax.IsExplicitVR, transferSyntax.IsBigEndian, options, true, 0);
        var ds = new DicomDataset();
        if (options.TextDecoder is not null)
        {
            ds.TextDecoder = options.TextDecoder;
        }

        reader.ReadTopLevel(ds, data.Length, stopAtGroupChange: null);
        return ds;
    }

    /// <summary>Reads top-level elements into <paramref name="ds"/> until <paramref name="end"/>; with <paramref name="stopAtGroupChange"/>, stops before the first element outside that group.</summary>
    internal void ReadTopLevel(DicomDataset ds, int end, ushort? stopAtGroupChange)
    {
        var span = buffer.Span;
        while (pos < end)
        {
            if (end - pos < 8)
            {
                if (!bufferIsComplete)
                {
                    throw new NeedMoreDataException();
                }

                // Trailing padding shorter than an element header: tolerated when it is all zero bytes.
                if (!span[pos..end].ContainsAnyExcept((byte)0))
                {
                    Log.TrailingPaddingTolerated(options.Logger, baseOffset + pos, end - pos);
                    pos = end;
                    return;
                }

                throw Truncated("element header", end - pos);
            }

            ElementStart = pos;
            var tag = ReadTag(span, pos);
            if (stopAtGroupChange is { } g && tag.Group != g)
            {
                return;
            }

            if (options.StopBeforeTag is { } stop && tag >= stop && stopAtGroupChange is null)
            {
                StoppedEarly = true;
                return;
            }

            if (tag.Value is SequenceDelimitationTag or ItemDelimitationTag)
            {
                // A stray delimiter at top level (seen in some files): skip it.
                Log.StrayDelimiterSkipped(options.Logger, tag, baseOffset + pos);
                pos += 8;
                continue;
            }

            var element = ReadElement(span, end, ds);
            if (element is not null)
            {
                ds.AddRead(element);
            }
        }
    }

    // Header decoding and value dispatch share tag, vr, length, start and the moving pos cursor (and toggle explicitVR/bigEndian); splitting would pass all of them back and forth.
    private DicomElement? ReadElement(ReadOnlySpan<byte> span, int end, DicomDataset owner)
    {
        var start = pos;
        var tag = ReadTag(span, pos);
        DicomVR vr;
        uint length;
        var vrFromFile = false;
        if (explicitVR && DicomVR.TryGet(span[pos + 4], span[pos + 5], out var fileVR))
        {
            vr = fileVR;
            vrFromFile = true;
            if (vr.Is32BitLength)
            {
                Need(12, end, "element header");
                length = ReadUInt32(span, pos + 8);
                pos += 12;
            }
            else
            {
                length = ReadUInt16(span, pos + 6);
                pos += 8;
            }
        }
        else if (explicitVR && IsUpper(span[pos + 4]) && IsUpper(span[pos + 5]))
        {
            // An unknown VR made of letters (a future VR): assume a 32-bit length and keep the bytes as UN.
            Need(12, end, "element header");
            vr = DicomVR.UN;
            length = ReadUInt32(span, pos + 8);
            pos += 12;
        }
        else
        {
            // Implicit VR, or an explicit VR stream with an element written in implicit VR.
            vr = ImplicitVR(tag, owner);
            length = ReadUInt32(span, pos + 4);
            pos += 8;
        }

        if (length == UndefinedLength)
        {
            if (tag == DicomTags.PixelData || (vr != DicomVR.SQ && vr != DicomVR.UN && (vr == DicomVR.OB || vr == DicomVR.OW) && vrFromFile))
            {
                // Encapsulated data is OB (PS3.5 §A.4); files that say OW are read as OB.
                return ReadFragments(span, tag, DicomVR.OB, end, start);
            }

            var wasExplicit = explicitVR;
            var wasBig = bigEndian;
            if (vr == DicomVR.UN)
            {
                // UN with undefined length holds implicit VR little endian content (PS3.5 §6.2.2).
                explicitVR = false;
                bigEndian = false;
            }

            var seq = ReadSequence(span, tag, end, undefinedLength: true);
            explicitVR = wasExplicit;
            bigEndian = wasBig;
            return seq;
        }

        if (LargeValues is { } source && depth == 0 && vr != DicomVR.SQ && !bigEndian
            && length >= FileWindowSource.LargeValueThreshold && length > (uint)(end - pos) && baseOffset + pos + length <= source.Length)
        {
            CheckLimit(tag, length, start);
            var large = source.ReadValue(baseOffset + pos, (int)length, span[pos..end]);
            pos += (int)length;
            return new DicomElement(tag, vr, large);
        }

        if (length > (uint)(end - pos) && !bufferIsComplete)
        {
            throw new NeedMoreDataException();
        }

        if (vr == DicomVR.SQ && length > (uint)(end - pos))
        {
            // A sequence longer than the data that remains: read what is there (as dcmtk does) and close it.
            length = (uint)(end - pos);
        }

        if (length > (uint)(end - pos))
        {
            throw new DicomException(
                $"Truncated data: {tag} {DicomDictionary.KeywordOf(tag)} declares {length} bytes at offset {baseOffset + start} but only {end - pos} remain.");
        }

        CheckLimit(tag, length, start);
        var len = (int)length;
        if (vr == DicomVR.SQ)
        {
            var seqEnd = pos + len;
            var seq = ReadSequence(span, tag, seqEnd, undefinedLength: false);
            pos = seqEnd;
            return seq;
        }

        var value = buffer.Slice(pos, len);
        pos += len;
        if (bigEndian && vr.UnitSize > 1 && len > 0)
        {
            value = SwapToLittleEndian(value.Span, vr == DicomVR.AT ? 2 : vr.UnitSize);
        }

        return new DicomElement(tag, vr, value);
    }

    private DicomSequence ReadSequence(ReadOnlySpan<byte> span, DicomTag tag, int end, bool undefinedLength)
    {
        if (++depth > options.MaxSequenceDepth)
        {
            throw new DicomException($"Sequences nested deeper than {options.MaxSequenceDepth} levels at offset {baseOffset + pos}.");
        }

        var items = new List<DicomDataset>();
        while (true)
        {
            if (pos >= end)
            {
                if (undefinedLength && !bufferIsComplete)
                {
                    throw new NeedMoreDataException();
                }

                break; // defined length used up, or a missing sequence delimiter at the end of the data: close the sequence.
            }

            Need(8, end, "sequence item header");
            var itemStart = pos;
            var itemTag = ReadTag(span, pos).Value;
            var itemLength = ReadUInt32(span, pos + 4);
            if (itemTag == SequenceDelimitationTag)
            {
                pos += 8;
                break;
            }

            if (itemTag == ItemDelimitationTag)
            {
                pos += 8; // stray item delimiter
                continue;
            }

            if (itemTag != ItemTag)
            {
                if (undefinedLength && items.Count > 0)
                {
                    // Missing sequence delimiter: the element after the sequence follows directly.
                    break;
                }

                throw new DicomException($"Expected an item tag in sequence {tag} at offset {baseOffset + itemStart}, found {new DicomTag(itemTag)}.");
            }

            pos += 8;
            var item = new DicomDataset();
            items.Add(item);
            if (itemLength == UndefinedLength)
            {
                ReadItemElements(span, item, end, untilDelimiter: true);
            }
            else
            {
                if (itemLength > (uint)(end - pos))
                {
                    if (!bufferIsComplete)
                    {
                        throw new NeedMoreDataException();
                    }

                    // An item longer than its sequence or the data: read the elements that are there (as dcmtk does).
                    itemLength = (uint)(end - pos);
                }

                var itemEnd = pos + (int)itemLength;
                ReadItemElements(span, item, itemEnd, untilDelimiter: false);
                pos = itemEnd;
            }
        }

        depth--;
        return new DicomSequence(tag, items) { HadUndefinedLength = undefinedLength };
    }

    private void ReadItemElements(ReadOnlySpan<byte> span, DicomDataset item, int end, bool untilDelimiter)
    {
        while (pos < end)
        {
            Need(8, end, "element header");
            var tag = ReadTag(span, pos);
            if (tag.Value == ItemDelimitationTag)
            {
                pos += 8;
                return;
            }

            if (tag.Value == SequenceDelimitationTag)
            {
                if (untilDelimiter)
                {
                    return; // missing item delimiter; the sequence loop consumes this one
                }

                pos += 8;
                continue;
            }

            if (tag.Value == ItemTag && untilDelimiter)
            {
                return; // missing item delimiter before the next item
            }

            var element = ReadElement(span, end, item);
            if (element is not null)
            {
                item.AddRead(element);
            }
        }

        if (untilDelimiter && !bufferIsComplete)
        {
            throw new NeedMoreDataException();
        }
    }

    private DicomFragmentSequence ReadFragments(ReadOnlySpan<byte> span, DicomTag tag, DicomVR vr, int end, int start)
    {
        ReadOnlyMemory<byte>? offsetTable = null;
        var fragments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            if (pos >= end)
            {
                if (!bufferIsComplete)
                {
                    throw new NeedMoreDataException();
                }

                break; // missing sequence delimiter at end of data
            }

            Need(8, end, "fragment header");
            var itemStart = pos;
            var itemTag = ReadTag(span, pos).Value;
            var length = ReadUInt32(span, pos + 4);
            pos += 8;
            if (itemTag == SequenceDelimitationTag)
            {
                break;
            }

            if (itemTag != ItemTag)
            {
                throw new DicomException($"Expected a fragment item in encapsulated {tag} (started at offset {baseOffset + start}) at offset {baseOffset + itemStart}, found {new DicomTag(itemTag)}.");
            }

            if (length == UndefinedLength || length > (uint)(end - pos))
            {
                if (!bufferIsComplete && length != UndefinedLength)
                {
                    throw new NeedMoreDataException();
                }

                throw new DicomException($"Truncated data: fragment of {tag} at offset {baseOffset + itemStart} declares {length} bytes but only {end - pos} remain.");
            }

            if (length > options.MaxElementLength)
            {
                throw new DicomException($"Fragment of {tag} at offset {baseOffset + itemStart} has length {length}, above the limit of {options.MaxElementLength} bytes.");
            }

            var value = buffer.Slice(pos, (int)length);
            pos += (int)length;
            if (offsetTable is null)
            {
                offsetTable = bigEndian ? SwapToLittleEndian(value.Span, 4) : value;
            }
            else
            {
                fragments.Add(value);
            }
        }

        return new DicomFragmentSequence(tag, vr, offsetTable ?? ReadOnlyMemory<byte>.Empty, fragments);
    }

    private void CheckLimit(DicomTag tag, uint length, int start)
    {
        if (length > options.MaxElementLength)
        {
            throw new DicomException($"{tag} at offset {baseOffset + start} has length {length}, above the limit of {options.MaxElementLength} bytes.");
        }
    }

    private static DicomVR ImplicitVR(DicomTag tag, DicomDataset owner)
    {
        if (tag.Element == 0)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        }

        var entry = DicomDictionary.Lookup(tag);
        if (entry is null || entry.ValueRepresentations.Count == 0)
        {
            return DicomVR.UN;
        }

        var vrs = entry.ValueRepresentations;
        if (vrs.Count > 1 && vrs[0] == DicomVR.US && vrs[1] == DicomVR.SS
            && owner.TryGetElement(DicomTags.PixelRepresentation, out var pr) && pr.Length >= 2 && pr.Value.Span[0] == 1)
        {
            return DicomVR.SS;
        }

        return vrs[0];
    }

    private void Need(int count, int end, string what)
    {
        if (end - pos < count)
        {
            if (!bufferIsComplete)
            {
                throw new NeedMoreDataException();
            }

            throw Truncated(what, end - pos);
        }
    }

    private DicomException Truncated(string what, int remaining) =>
        new($"Truncated data: {what} at offset {baseOffset + pos} needs more bytes than the {remaining} that remain.");

    private DicomTag ReadTag(ReadOnlySpan<byte> span, int at) =>
        bigEndian
            ? new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(span[at..]), BinaryPrimitives.ReadUInt16BigEndian(span[(at + 2)..]))
            : new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span[at..]), BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 2)..]));

    private uint ReadUInt32(ReadOnlySpan<byte> span, int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);

    private ushort ReadUInt16(ReadOnlySpan<byte> span, int at) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);

    private static bool IsUpper(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    private static byte[] SwapToLittleEndian(ReadOnlySpan<byte> source, int unit)
    {
        var copy = source.ToArray();
        var whole = copy.Length - (copy.Length % unit);
        for (var i = 0; i < whole; i += unit)
        {
            copy.AsSpan(i, unit).Reverse();
        }

        return copy;
    }
}
