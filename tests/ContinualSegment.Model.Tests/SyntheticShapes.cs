using ContinualSegment.Model.Training;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

/// <summary>Tiny synthetic 3D problems: bright boxes and balls of different intensity and size in noise.</summary>
internal static class SyntheticShapes
{
    /// <summary>
    /// Task A: label 1 = a bright box (intensity 2, 6³), label 2 = a dimmer ball (intensity 1, radius 3).
    /// Task B: label 1 = a dark box (intensity −1.5, 5³).
    /// </summary>
    public static List<TrainingSample> Make(int count, int size, bool taskB, int seed)
    {
        var random = new Random(seed);
        var samples = new List<TrainingSample>(count);
        for (var n = 0; n < count; n++)
        {
            var image = new float[size * size * size];
            var labels = new long[image.Length];
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)((random.NextDouble() - 0.5) * 0.4);
            }

            if (taskB)
            {
                var (z, y, x) = (random.Next(1, size - 6), random.Next(1, size - 6), random.Next(1, size - 6));
                Box(image, labels, size, z, y, x, 5, -1.5f, 1);
            }
            else
            {
                var (z, y, x) = (random.Next(1, size - 7), random.Next(1, size / 2 - 3), random.Next(1, size - 7));
                Box(image, labels, size, z, y, x, 6, 2f, 1);
                var (cz, cy, cx) = (random.Next(4, size - 4), random.Next((size / 2) + 3, size - 3), random.Next(4, size - 4));
                Ball(image, labels, size, cz, cy, cx, 3, 1f, 2);
            }

            samples.Add(new TrainingSample(
                tensor(image, new long[] { 1, size, size, size }),
                tensor(labels, new long[] { size, size, size })));
        }

        return samples;
    }

    private static void Box(float[] image, long[] labels, int size, int z0, int y0, int x0, int edge, float value, long label)
    {
        for (var z = z0; z < z0 + edge; z++)
        {
            for (var y = y0; y < y0 + edge; y++)
            {
                for (var x = x0; x < x0 + edge; x++)
                {
                    var i = (((z * size) + y) * size) + x;
                    image[i] += value;
                    labels[i] = label;
                }
            }
        }
    }

    private static void Ball(float[] image, long[] labels, int size, int cz, int cy, int cx, int r, float value, long label)
    {
        for (var z = 0; z < size; z++)
        {
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    if (((z - cz) * (z - cz)) + ((y - cy) * (y - cy)) + ((x - cx) * (x - cx)) <= r * r)
                    {
                        var i = (((z * size) + y) * size) + x;
                        image[i] += value;
                        labels[i] = label;
                    }
                }
            }
        }
    }
}
