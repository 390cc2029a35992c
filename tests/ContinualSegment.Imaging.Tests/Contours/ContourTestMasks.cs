using ContinualSegment.Imaging.Contours;

namespace ContinualSegment.Imaging.Tests.Contours;

/// <summary>Masks for the contour tests and an independent even-odd rasteriser by pixel centres.</summary>
internal static class ContourTestMasks
{
    public static byte[] Disk(int width, int height, double cx, double cy, double r, double innerR = -1)
    {
        var mask = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                mask[(y * width) + x] = (byte)(d <= r && d > innerR ? 1 : 0);
            }
        }

        return mask;
    }

    public static byte[] RandomBlobs(int width, int height, int seed)
    {
        var random = new Random(seed);
        var mask = new byte[width * height];
        for (var b = 0; b < 6; b++)
        {
            var cx = random.Next(width);
            var cy = random.Next(height);
            var r = 2 + random.Next(Math.Min(width, height) / 4);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    if (((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= r * r)
                    {
                        mask[(y * width) + x] ^= 1;
                    }
                }
            }
        }

        // Salt: isolated pixels and diagonal neighbours.
        for (var k = 0; k < 30; k++)
        {
            mask[random.Next(mask.Length)] = 1;
        }

        return mask;
    }

    /// <summary>A pixel is inside when an odd number of polygons contain its centre.</summary>
    public static byte[] Rasterise(IReadOnlyList<ContourPolygon> polygons, int width, int height)
    {
        var mask = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var count = polygons.Count(p => PolygonMath.Contains(p.Points, new Point2(x, y)));
                mask[(y * width) + x] = (byte)(count % 2);
            }
        }

        return mask;
    }

    public static double Dice(byte[] a, byte[] b)
    {
        long both = 0, sa = 0, sb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            both += a[i] & b[i];
            sa += a[i];
            sb += b[i];
        }

        return 2.0 * both / (sa + sb);
    }
}
