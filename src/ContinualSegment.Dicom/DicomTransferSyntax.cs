namespace ContinualSegment.Dicom;

/// <summary>A transfer syntax and how it encodes data sets.</summary>
public sealed class DicomTransferSyntax
{
    private DicomTransferSyntax(string uid, bool explicitVR, bool bigEndian, bool deflated, bool encapsulated, bool lossy)
    {
        Uid = uid;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsLossy = lossy;
    }

    public string Uid { get; }

    public string Name => DicomUids.NameOf(Uid);

    public bool IsExplicitVR { get; }

    public bool IsBigEndian { get; }

    public bool IsDeflated { get; }

    /// <summary>True when pixel data is encapsulated (compressed fragments).</summary>
    public bool IsEncapsulated { get; }

    public bool IsLossy { get; }

    public override string ToString() => $"{Name} ({Uid})";

    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new(DicomUids.ImplicitVRLittleEndian, false, false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new(DicomUids.ExplicitVRLittleEndian, true, false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new(DicomUids.ExplicitVRBigEndian, true, true, false, false, false);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new(DicomUids.DeflatedExplicitVRLittleEndian, true, false, true, false, false);
    public static readonly DicomTransferSyntax JPEGBaseline8Bit = new(DicomUids.JPEGBaseline8Bit, true, false, false, true, true);
    public static readonly DicomTransferSyntax JPEGExtended12Bit = new(DicomUids.JPEGExtended12Bit, true, false, false, true, true);
    public static readonly DicomTransferSyntax JPEGLossless = new(DicomUids.JPEGLossless, true, false, false, true, false);
    public static readonly DicomTransferSyntax JPEGLosslessSV1 = new(DicomUids.JPEGLosslessSV1, true, false, false, true, false);
    public static readonly DicomTransferSyntax JPEGLSLossless = new(DicomUids.JPEGLSLossless, true, false, false, true, false);
    public static readonly DicomTransferSyntax JPEGLSNearLossless = new(DicomUids.JPEGLSNearLossless, true, false, false, true, true);
    public static readonly DicomTransferSyntax JPEG2000Lossless = new(DicomUids.JPEG2000Lossless, true, false, false, true, false);
    public static readonly DicomTransferSyntax JPEG2000 = new(DicomUids.JPEG2000, true, false, false, true, true);
    public static readonly DicomTransferSyntax RLELossless = new(DicomUids.RLELossless, true, false, false, true, false);

    /// <summary>The transfer syntaxes this toolkit knows by name.</summary>
    public static IReadOnlyList<DicomTransferSyntax> Known { get; } =
    [
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian,
        JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLossless, JPEGLosslessSV1, JPEGLSLossless, JPEGLSNearLossless,
        JPEG2000Lossless, JPEG2000, RLELossless,
    ];

    /// <summary>
    /// The transfer syntax for a UID. Unknown or other registered compressed syntaxes are treated as
    /// Explicit VR Little Endian with encapsulated pixel data (PS3.5 §10).
    /// </summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        var trimmed = uid.Trim().TrimEnd('\0');
        foreach (var ts in Known)
        {
            if (ts.Uid == trimmed)
            {
                return ts;
            }
        }

        if (trimmed == "1.2.840.10008.1.2.1.98")
        {
            return new DicomTransferSyntax(trimmed, true, false, false, true, false);
        }

        if (trimmed == DicomUids.JPIPReferencedDeflate)
        {
            return new DicomTransferSyntax(trimmed, true, false, true, false, false);
        }

        if (trimmed == DicomUids.Papyrus3ImplicitVRLittleEndian)
        {
            return new DicomTransferSyntax(trimmed, false, false, false, false, false);
        }

        return new DicomTransferSyntax(trimmed, true, false, false, true, true);
    }
}
