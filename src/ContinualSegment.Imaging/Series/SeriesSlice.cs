namespace ContinualSegment.Imaging.Series;

/// <summary>One slice of a loaded volume (index k).</summary>
/// <param name="Index">Slice index k in the volume.</param>
/// <param name="Position">Image Position (Patient) of the slice's first voxel, LPS mm.</param>
/// <param name="Source">The source image the slice was read from, or null when it was interpolated.</param>
public sealed record SeriesSlice(int Index, Vec3 Position, SourceImageReference? Source);
