namespace ContinualSegment.Model.Plans;

/// <summary>
/// A decoder architecture: one gene per decoder stage. Gene i belongs to the decoder stage at
/// encoder resolution i (0 = full resolution), so there are (encoder stages − 1) genes.
/// </summary>
public sealed record DecoderGenotype
{
    /// <summary>The genes, finest resolution first.</summary>
    public IReadOnlyList<DecoderStageGene> Stages { get; init; } = [];

    /// <summary>A full-size genotype: <see cref="BlockType.ConvPair"/>, width ×1, skips on at every stage.</summary>
    public static DecoderGenotype Full(int encoderStages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(encoderStages, 2);
        return new DecoderGenotype { Stages = Enumerable.Range(0, encoderStages - 1).Select(_ => new DecoderStageGene()).ToArray() };
    }
}
