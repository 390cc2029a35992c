namespace ContinualSegment.Dicom;

/// <summary>An <see cref="IDicomTextDecoder"/> built from two static methods (e.g. DicomCharacterSet.Decode/Encode).</summary>
public sealed class DelegateDicomTextDecoder : IDicomTextDecoder
{
    private readonly DecodeText decode;
    private readonly Func<string, IReadOnlyList<string>, DicomVR, byte[]> encode;

    public DelegateDicomTextDecoder(DecodeText decode, Func<string, IReadOnlyList<string>, DicomVR, byte[]> encode)
    {
        this.decode = decode ?? throw new ArgumentNullException(nameof(decode));
        this.encode = encode ?? throw new ArgumentNullException(nameof(encode));
    }

    /// <summary>Signature of a decode method that takes a span.</summary>
    public delegate string DecodeText(ReadOnlySpan<byte> bytes, IReadOnlyList<string> specificCharacterSet, DicomVR vr);

    public string Decode(ReadOnlySpan<byte> bytes, IReadOnlyList<string> specificCharacterSet, DicomVR vr) => decode(bytes, specificCharacterSet, vr);

    public byte[] Encode(string value, IReadOnlyList<string> specificCharacterSet, DicomVR vr) => encode(value, specificCharacterSet, vr);
}
