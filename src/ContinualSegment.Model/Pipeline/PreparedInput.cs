using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// An input made ready for the pipeline: the CT on the grid the model runs on (a DICOM series' grid, or a NIfTI
/// volume made right-handed), the series the results refer to (when there is one), and how to bring a label map
/// back to the input's own grid.
/// </summary>
/// <param name="Volume">The CT (HU) the pipeline runs on.</param>
/// <param name="Header">The series the results refer to; null when none was read or written.</param>
/// <param name="SeriesDirectory">Where that series lies on disk, when it does.</param>
/// <param name="InputGeometry">The input's own geometry (for a NIfTI input, as read from its header).</param>
/// <param name="SlicesReversed">Whether the input's slice order was reversed to make it right-handed.</param>
internal sealed record PreparedInput(
    Volume<float> Volume,
    SeriesHeader? Header,
    string? SeriesDirectory,
    Affine3D InputGeometry,
    bool SlicesReversed);
