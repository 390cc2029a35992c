namespace ContinualSegment.Imaging.Segmentation;

/// <summary>The algorithm that produced a segment (Segmentation Algorithm Identification).</summary>
/// <param name="Name">Algorithm Name, e.g. the model name.</param>
/// <param name="Version">Algorithm Version, e.g. encoder and decoder versions.</param>
/// <param name="Family">Algorithm Family (CID 7162); null gives (123110, DCM, "Artificial Intelligence").</param>
public sealed record SegmentAlgorithm(string Name, string Version, CodedConcept? Family = null)
{
    /// <summary>(123110, DCM, "Artificial Intelligence").</summary>
    public static CodedConcept ArtificialIntelligence { get; } = new("123110", "DCM", "Artificial Intelligence");

    public CodedConcept FamilyOrDefault => Family ?? ArtificialIntelligence;
}
