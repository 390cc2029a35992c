namespace ContinualSegment.Dicom;

/// <summary>Encapsulated pixel data (PS3.5 §A.4): a Basic Offset Table item and the compressed fragments.</summary>
public sealed class DicomFragmentSequence : DicomElement
{
    public DicomFragmentSequence(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> basicOffsetTable, params IEnumerable<ReadOnlyMemory<byte>> fragments)
        : base(tag, vr, ReadOnlyMemory<byte>.Empty)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        BasicOffsetTable = basicOffsetTable;
        Fragments = [.. fragments];
    }

    /// <summary>Value of the first item (may be empty): little-endian 32-bit offsets of each frame's first fragment.</summary>
    public ReadOnlyMemory<byte> BasicOffsetTable { get; set; }

    /// <summary>The fragments after the offset table item.</summary>
    public IList<ReadOnlyMemory<byte>> Fragments { get; }

    public override int ValueCount => 1;

    /// <summary>The Basic Offset Table as offsets.</summary>
    public uint[] GetOffsets()
    {
        var span = BasicOffsetTable.Span;
        var result = new uint[span.Length / 4];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[(i * 4)..]);
        }

        return result;
    }
}
