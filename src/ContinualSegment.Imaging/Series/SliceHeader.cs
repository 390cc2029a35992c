using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Series;

/// <summary>One image (a file, or one frame of a multi-frame file) as found in the headers.</summary>
internal sealed record SliceHeader(
    string Path,
    DicomDataset Dataset,
    string SopClassUid,
    string SopInstanceUid,
    int FrameNumber,
    string SeriesInstanceUid,
    string FrameOfReferenceUid,
    int Rows,
    int Columns,
    Vec3 RowDirection,
    Vec3 ColumnDirection,
    Vec3 Position,
    double SpacingX,
    double SpacingY,
    double Slope,
    double Intercept,
    double Thickness,
    int InstanceNumber,
    int Order);
