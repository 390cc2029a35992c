using ContinualSegment.Model.Datasets;

namespace ContinualSegment.Model.Tests.Datasets;

/// <summary>Small in-memory cases with a labelled bright cube.</summary>
internal static class SyntheticCases
{
    /// <summary>A case of size d×h×w whose voxels in [lo, lo+size) on every axis are label 1 and intensity 1 (else 0).</summary>
    public static PreprocessedCase Cube(string id, int d, int h, int w, (int Z, int Y, int X) lo, int size)
    {
        var image = new float[d * h * w];
        var labels = new ushort[d * h * w];
        for (var z = lo.Z; z < lo.Z + size; z++)
        {
            for (var y = lo.Y; y < lo.Y + size; y++)
            {
                for (var x = lo.X; x < lo.X + size; x++)
                {
                    var i = (((z * h) + y) * w) + x;
                    image[i] = 1;
                    labels[i] = 1;
                }
            }
        }

        return new PreprocessedCase(id, 1, d, h, w, image, labels, [1.0, 1.0, 1.0]);
    }
}
