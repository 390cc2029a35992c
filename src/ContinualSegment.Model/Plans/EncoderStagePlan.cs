namespace ContinualSegment.Model.Plans;

/// <summary>
/// One encoder stage: two convolutions with <see cref="KernelSize"/>; the first one has
/// <see cref="Stride"/> (1,1,1 for the first stage; the downsampling of the later stages).
/// </summary>
public sealed record EncoderStagePlan
{
    /// <summary>Output channels of the stage.</summary>
    public int Width { get; init; }

    /// <summary>Convolution kernel (z, y, x); each entry odd, e.g. 1,3,3 for an anisotropic first stage.</summary>
    public IReadOnlyList<int> KernelSize { get; init; } = [3, 3, 3];

    /// <summary>Stride of the stage's first convolution (z, y, x); e.g. 1,2,2 for in-plane-only downsampling.</summary>
    public IReadOnlyList<int> Stride { get; init; } = [1, 1, 1];
}
