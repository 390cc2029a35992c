namespace ContinualSegment.Dicom.Text;

/// <summary>
/// What the character set codec does with input it cannot handle: an unknown Specific Character Set term,
/// a byte that is not valid in the active character set, an unknown escape sequence, or (when encoding)
/// a character that none of the declared character sets can represent.
/// </summary>
public enum DicomTextErrorMode
{
    /// <summary>
    /// Recover and go on: unknown terms fall back to the default repertoire, undecodable bytes become
    /// U+FFFD (bytes 80H-FFH with no G1 set designated are read as ISO 8859-1, as most toolkits do),
    /// unknown escape sequences become U+FFFD, and characters that cannot be encoded become '?'.
    /// </summary>
    Replace = 0,

    /// <summary>Throw a <see cref="DicomException"/> that names the problem and the byte offset.</summary>
    Throw = 1,
}
