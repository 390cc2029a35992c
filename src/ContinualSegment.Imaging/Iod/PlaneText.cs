using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Iod;

/// <summary>The DS values of the image plane attributes (PS3.3 C.7.6.2) of a grid.</summary>
public static class PlaneText
{
    /// <summary>Image Orientation (Patient): the row (i) and column (j) direction cosines.</summary>
    public static string[] Orientation(Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return
        [
            DicomDecimalString.Format(geometry.AxisI.X), DicomDecimalString.Format(geometry.AxisI.Y), DicomDecimalString.Format(geometry.AxisI.Z),
            DicomDecimalString.Format(geometry.AxisJ.X), DicomDecimalString.Format(geometry.AxisJ.Y), DicomDecimalString.Format(geometry.AxisJ.Z),
        ];
    }

    /// <summary>Image Position (Patient): x, y, z in mm.</summary>
    public static string[] Position(Vec3 position) =>
        [DicomDecimalString.Format(position.X), DicomDecimalString.Format(position.Y), DicomDecimalString.Format(position.Z)];

    /// <summary>Pixel Spacing: row spacing (along j), then column spacing (along i).</summary>
    public static string[] PixelSpacing(Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return [DicomDecimalString.Format(geometry.Spacing.Y), DicomDecimalString.Format(geometry.Spacing.X)];
    }
}
