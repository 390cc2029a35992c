namespace ContinualSegment.Dicom;

/// <summary>
/// Converts text values between bytes and strings for a Specific Character Set (0008,0005).
/// The default, <see cref="DefaultDicomTextDecoder"/>, calls <see cref="Text.DicomCharacterSet"/>; another codec plugs in
/// per data set or per read with one line, e.g.
/// <c>options = new DicomReadOptions { TextDecoder = new DelegateDicomTextDecoder((b, cs, vr) => MyDecode(b, cs, vr.Code), (s, cs, vr) => MyEncode(s, cs, vr.Code)) }</c>.
/// </summary>
public interface IDicomTextDecoder
{
    /// <summary>Decodes a whole value (all values with their backslashes) of a text VR.</summary>
    string Decode(ReadOnlySpan<byte> bytes, IReadOnlyList<string> specificCharacterSet, DicomVR vr);

    /// <summary>Encodes a whole value (without padding) of a text VR.</summary>
    byte[] Encode(string value, IReadOnlyList<string> specificCharacterSet, DicomVR vr);
}
