namespace ContinualSegment.Imaging.Series;

/// <summary>What to do with a stack whose slices are not on a regular orthogonal grid.</summary>
public enum GeometryPolicy
{
    /// <summary>Refuse the stack with a <see cref="SeriesLoadException"/> that says why.</summary>
    Reject,

    /// <summary>Resample onto a regular orthogonal grid (trilinear); slices that no longer match a source image carry no source reference.</summary>
    Resample,
}
