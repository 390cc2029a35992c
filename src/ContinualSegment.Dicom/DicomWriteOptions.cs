namespace ContinualSegment.Dicom;

/// <summary>Options for writing files and data sets.</summary>
public sealed class DicomWriteOptions
{
    /// <summary>The transfer syntax to write; null keeps <see cref="DicomFile.TransferSyntax"/>. Encapsulated data can only be written in its own syntax.</summary>
    public DicomTransferSyntax? TransferSyntax { get; init; }

    /// <summary>Write sequences and items with undefined length and delimiters (default) instead of computed explicit lengths.</summary>
    public bool UndefinedSequenceLength { get; init; } = true;

    /// <summary>In explicit VR, write a value too long for its VR's 16-bit length field as UN instead of throwing.</summary>
    public bool WriteOverlongValuesAsUN { get; init; }

    /// <summary>Write the 128-byte preamble and "DICM" (PS3.10) before the meta information.</summary>
    public bool WritePreamble { get; init; } = true;

    /// <summary>Deflate compression level for Deflated Explicit VR Little Endian.</summary>
    public System.IO.Compression.CompressionLevel DeflateLevel { get; init; } = System.IO.Compression.CompressionLevel.Optimal;

    /// <summary>
    /// Write a freshly computed group length (gggg,0000) before each top-level group instead of dropping them
    /// (needed for DIMSE command sets, whose (0000,0000) is mandatory). Group lengths present in the data set are ignored.
    /// </summary>
    public bool RecomputeGroupLengths { get; init; }

    public static DicomWriteOptions Default { get; } = new();
}
