namespace ContinualSegment.Imaging.Series;

/// <summary>Which image stacks of the input become volumes.</summary>
public enum StackSelection
{
    /// <summary>Only the stack with the most slices (ties: the first series, then the first orientation found).</summary>
    Largest,

    /// <summary>Every stack, largest first.</summary>
    All,
}
