namespace ContinualSegment.Dicom;

/// <summary>
/// The one exception type the DICOM toolkit throws for bad or unsupported input.
/// Its message says what was wrong and, where known, at which tag or byte offset.
/// </summary>
public class DicomException : Exception
{
    public DicomException()
    {
    }

    public DicomException(string message)
        : base(message)
    {
    }

    public DicomException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
