namespace ContinualSegment.Dicom;

/// <summary>
/// The built-in text codec: delegates to <see cref="Text.DicomCharacterSet"/> (single-byte sets, UTF-8, GB18030/GBK and
/// ISO 2022 code extensions; undecodable bytes become U+FFFD). Another codec can be set per data set through
/// <see cref="DicomReadOptions.TextDecoder"/> or <see cref="DicomDataset.TextDecoder"/>.
/// </summary>
public sealed class DefaultDicomTextDecoder : IDicomTextDecoder
{
    public static DefaultDicomTextDecoder Instance { get; } = new();

    public string Decode(ReadOnlySpan<byte> bytes, IReadOnlyList<string> specificCharacterSet, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(specificCharacterSet);
        ArgumentNullException.ThrowIfNull(vr);
        return Text.DicomCharacterSet.Decode(bytes, specificCharacterSet, vr.Code);
    }

    public byte[] Encode(string value, IReadOnlyList<string> specificCharacterSet, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(specificCharacterSet);
        ArgumentNullException.ThrowIfNull(vr);
        return Text.DicomCharacterSet.Encode(value, specificCharacterSet, vr.Code);
    }
}
