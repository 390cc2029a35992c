namespace ContinualSegment.Model.Datasets;

/// <summary>One training case of an nnU-Net dataset.</summary>
/// <param name="Id">The case identifier (file name stem without the channel suffix).</param>
/// <param name="ImagePaths">One image file per channel, in channel order.</param>
/// <param name="LabelPath">The label file.</param>
public sealed record NnUnetCase(string Id, IReadOnlyList<string> ImagePaths, string LabelPath);
