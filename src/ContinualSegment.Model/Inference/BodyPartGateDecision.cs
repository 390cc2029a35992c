namespace ContinualSegment.Model.Inference;

/// <summary>Where one decoder may predict in one scan.</summary>
/// <param name="DecoderId">The decoder.</param>
/// <param name="Skip">True when no slice lies in its body-part range: it is not run at all.</param>
/// <param name="ValidSlices">Per slice (z): whether the slice's score lies in its range.</param>
public sealed record BodyPartGateDecision(string DecoderId, bool Skip, IReadOnlyList<bool> ValidSlices);
