namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Which transfer syntaxes' pixel data this toolkit can decode and encode, with their UIDs.
/// </summary>
public static class TransferSyntaxCodecs
{
    public const string ImplicitVRLittleEndian = "1.2.840.10008.1.2";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
    public const string DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99";
    public const string ExplicitVRBigEndian = "1.2.840.10008.1.2.2";
    public const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    public const string JpegExtended = "1.2.840.10008.1.2.4.51";
    public const string JpegLossless = "1.2.840.10008.1.2.4.57";
    public const string JpegLosslessSV1 = "1.2.840.10008.1.2.4.70";
    public const string JpegLsLossless = "1.2.840.10008.1.2.4.80";
    public const string JpegLsNearLossless = "1.2.840.10008.1.2.4.81";
    public const string Jpeg2000Lossless = "1.2.840.10008.1.2.4.90";
    public const string Jpeg2000 = "1.2.840.10008.1.2.4.91";
    public const string RleLossless = "1.2.840.10008.1.2.5";

    /// <summary>True for transfer syntaxes whose pixel data is native (not encapsulated).</summary>
    public static bool IsNative(string transferSyntaxUid) => transferSyntaxUid is ImplicitVRLittleEndian
        or ExplicitVRLittleEndian or DeflatedExplicitVRLittleEndian or ExplicitVRBigEndian;

    /// <summary>True when frames of this transfer syntax can be decoded here (native libraries included).</summary>
    public static bool CanDecode(string transferSyntaxUid) => transferSyntaxUid switch
    {
        _ when IsNative(transferSyntaxUid) => true,
        RleLossless or JpegLossless or JpegLosslessSV1 or JpegBaseline or JpegExtended => true,
        JpegLsLossless or JpegLsNearLossless => JpegLsCodec.IsAvailable,
        Jpeg2000Lossless or Jpeg2000 => Jpeg2000Codec.IsAvailable,
        _ => false,
    };

    /// <summary>True when native frames can be encoded to this transfer syntax here.</summary>
    public static bool CanEncode(string transferSyntaxUid) => transferSyntaxUid is RleLossless or JpegLossless or JpegLosslessSV1;

    /// <summary>A readable name for the transfer syntax, or the UID itself when unknown.</summary>
    public static string Name(string transferSyntaxUid) => transferSyntaxUid switch
    {
        ImplicitVRLittleEndian => "Implicit VR Little Endian",
        ExplicitVRLittleEndian => "Explicit VR Little Endian",
        DeflatedExplicitVRLittleEndian => "Deflated Explicit VR Little Endian",
        ExplicitVRBigEndian => "Explicit VR Big Endian",
        JpegBaseline => "JPEG Baseline (Process 1)",
        JpegExtended => "JPEG Extended (Process 2 & 4)",
        JpegLossless => "JPEG Lossless, Non-Hierarchical (Process 14)",
        JpegLosslessSV1 => "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)",
        JpegLsLossless => "JPEG-LS Lossless",
        JpegLsNearLossless => "JPEG-LS Lossy (Near-Lossless)",
        Jpeg2000Lossless => "JPEG 2000 (Lossless Only)",
        Jpeg2000 => "JPEG 2000",
        RleLossless => "RLE Lossless",
        _ => transferSyntaxUid,
    };

    /// <summary>Throws unless <see cref="CanDecode"/> is true, naming the missing library where one is the cause.</summary>
    /// <exception cref="DicomException">The transfer syntax cannot be decoded here.</exception>
    public static void EnsureDecodable(string transferSyntaxUid)
    {
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        if (CanDecode(transferSyntaxUid))
        {
            return;
        }

        string reason = transferSyntaxUid switch
        {
            JpegLsLossless or JpegLsNearLossless => ": libcharls2 not installed",
            Jpeg2000Lossless or Jpeg2000 => ": libopenjp2-7 not installed",
            _ => string.Empty,
        };
        throw new DicomException($"Transfer syntax {Name(transferSyntaxUid)} ({transferSyntaxUid}) not supported{reason}");
    }

    /// <summary>Throws unless <see cref="CanEncode"/> is true.</summary>
    /// <exception cref="DicomException">The transfer syntax cannot be encoded here.</exception>
    public static void EnsureEncodable(string transferSyntaxUid)
    {
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        if (!CanEncode(transferSyntaxUid))
        {
            throw new DicomException($"Encoding to transfer syntax {Name(transferSyntaxUid)} ({transferSyntaxUid}) not supported");
        }
    }
}
