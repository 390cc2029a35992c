namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// One segment to write: its description and where its voxels are (value <paramref name="Label"/>, or any of
/// <paramref name="AlsoLabels"/>, in label map <paramref name="Layer"/>).
/// </summary>
/// <param name="Description">What the segment is.</param>
/// <param name="Layer">Index into <see cref="SegmentationRequest.Layers"/>; overlapping segments live in different layers.</param>
/// <param name="Label">The segment's value in that label map (≥ 1).</param>
/// <param name="AlsoLabels">
/// Further values that belong to the segment, e.g. the lesions inside an organ of a merged label map (organ ∪ lesion); optional.
/// </param>
public sealed record SegmentInput(SegmentDescription Description, int Layer, ushort Label, IReadOnlyList<ushort>? AlsoLabels = null)
{
    /// <summary>All values of the segment: <see cref="Label"/> then <see cref="AlsoLabels"/>.</summary>
    public IEnumerable<ushort> AllLabels => AlsoLabels is null ? [Label] : AlsoLabels.Prepend(Label).Distinct();
}
