using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Contours;

namespace ContinualSegment.Imaging.RtStruct;

/// <summary>
/// Reads an RT Structure Set back into masks on a CT grid: every planar contour is mapped to voxel
/// indices and rasterised by pixel centres; the contours of one ROI on one slice combine by exclusive
/// or, which reads keyhole contours, separate islands and CLOSEDPLANAR_XOR holes alike.
/// </summary>
public static class RtStructReader
{
    /// <summary>Rasterises every ROI of <paramref name="structureSet"/> on the grid given by size and geometry.</summary>
    /// <exception cref="DicomException">The object is not an RT Structure Set or a contour does not lie on a slice.</exception>
    public static IReadOnlyList<RtStructRoiMask> Read(DicomDataset structureSet, (int X, int Y, int Z) size, Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(structureSet);
        ArgumentNullException.ThrowIfNull(geometry);
        if (structureSet.GetStringOrDefault(DicomTags.SOPClassUID) != RtStructBuilder.SopClassUid)
        {
            throw new DicomException("not an RT Structure Set (SOP Class UID differs)");
        }

        var rois = new Dictionary<int, (string Name, RgbColor Colour, string Type)>();
        foreach (var item in Items(structureSet, DicomTags.StructureSetROISequence))
        {
            rois[item.GetInt32(DicomTags.ROINumber)] = (item.GetStringOrDefault(DicomTags.ROIName), default, string.Empty);
        }

        foreach (var item in Items(structureSet, DicomTags.RTROIObservationsSequence))
        {
            var number = item.GetInt32(DicomTags.ReferencedROINumber);
            if (rois.TryGetValue(number, out var roi))
            {
                rois[number] = roi with { Type = item.GetStringOrDefault(DicomTags.RTROIInterpretedType) };
            }
        }

        var result = new List<RtStructRoiMask>();
        foreach (var item in Items(structureSet, DicomTags.ROIContourSequence))
        {
            var number = item.GetInt32(DicomTags.ReferencedROINumber);
            var (name, _, type) = rois.TryGetValue(number, out var known) ? known : (string.Empty, default, string.Empty);
            var colour = item.TryGetElement(DicomTags.ROIDisplayColor, out _) && item.GetStrings(DicomTags.ROIDisplayColor) is { Length: 3 } rgb
                ? new RgbColor(Byte(rgb[0]), Byte(rgb[1]), Byte(rgb[2]))
                : default;
            var mask = new Volume<byte>(size.X, size.Y, size.Z, geometry);
            foreach (var contour in Items(item, DicomTags.ContourSequence))
            {
                Rasterise(contour, mask);
            }

            result.Add(new RtStructRoiMask(number, name, colour, type, mask));
        }

        return result;
    }

    private static void Rasterise(DicomDataset contour, Volume<byte> mask)
    {
        var data = contour.GetDoubles(DicomTags.ContourData);
        if (data.Length < 9 || data.Length % 3 != 0)
        {
            throw new DicomException($"Contour Data has {data.Length} values; a closed planar contour needs at least 3 points");
        }

        var polygon = new List<Point2>(data.Length / 3);
        var k = double.NaN;
        for (var p = 0; p < data.Length; p += 3)
        {
            var index = mask.Geometry.WorldToIndex(new Vec3(data[p], data[p + 1], data[p + 2]));
            k = double.IsNaN(k) ? index.Z : k;
            if (Math.Abs(index.Z - k) > 0.05)
            {
                throw new DicomException("a contour is not planar in the image grid");
            }

            polygon.Add(new Point2(index.X, index.Y));
        }

        var z = (int)Math.Round(k);
        if (Math.Abs(k - z) > 0.05 || z < 0 || z >= mask.SizeZ)
        {
            // Contours between slices or outside the grid have no pixels of their own here.
            return;
        }

        var x0 = Math.Max(0, (int)Math.Floor(polygon.Min(p => p.X)));
        var x1 = Math.Min(mask.SizeX - 1, (int)Math.Ceiling(polygon.Max(p => p.X)));
        var y0 = Math.Max(0, (int)Math.Floor(polygon.Min(p => p.Y)));
        var y1 = Math.Min(mask.SizeY - 1, (int)Math.Ceiling(polygon.Max(p => p.Y)));
        var offset = z * mask.SizeX * mask.SizeY;
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                if (PolygonMath.Contains(polygon, new Point2(x, y)))
                {
                    mask.Data[offset + (y * mask.SizeX) + x] ^= 1;
                }
            }
        }
    }

    private static IEnumerable<DicomDataset> Items(DicomDataset ds, DicomTag tag)
        => ds.TryGetElement(tag, out var element) && element is DicomSequence sequence ? sequence.Items : [];

    private static byte Byte(string value)
        => (byte)Math.Clamp(int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0, 0, 255);

}
