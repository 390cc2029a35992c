namespace ContinualSegment.Model.Pipeline;

/// <summary>The input of a segmentation was refused; the message says why in one line.</summary>
public sealed class SegmentationInputException : Exception
{
    public SegmentationInputException()
    {
    }

    public SegmentationInputException(string message)
        : base(message)
    {
    }

    public SegmentationInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
