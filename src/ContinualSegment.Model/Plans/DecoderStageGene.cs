namespace ContinualSegment.Model.Plans;

/// <summary>The choices for one decoder stage.</summary>
public sealed record DecoderStageGene
{
    /// <summary>The convolution block after upsampling.</summary>
    public BlockType Block { get; init; } = BlockType.ConvPair;

    /// <summary>Stage width relative to the encoder width at the same resolution (0 &lt; m ≤ 4).</summary>
    public double WidthMultiplier { get; init; } = 1.0;

    /// <summary>Whether the encoder's skip feature of this resolution is concatenated.</summary>
    public bool Skip { get; init; } = true;
}
