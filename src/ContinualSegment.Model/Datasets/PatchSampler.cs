namespace ContinualSegment.Model.Datasets;

/// <summary>
/// Draws training patches nnU-Net style: a fraction <see cref="ForegroundFraction"/> of the patches is
/// centred on a random voxel of a random class present in the case; the others are placed uniformly.
/// Parts of a patch outside the case are padded (image: the case minimum per channel, labels: 0).
/// </summary>
public sealed class PatchSampler
{
    /// <summary>At most this many voxel positions are kept per class and case.</summary>
    public const int MaxForegroundPositionsPerClass = 20_000;

    private readonly IReadOnlyList<PreprocessedCase> cases;
    private readonly int[] patch;
    private readonly List<int[]>[] foreground;
    private readonly float[][] padValues;

    /// <summary>Indexes the foreground voxels of <paramref name="cases"/>.</summary>
    public PatchSampler(IReadOnlyList<PreprocessedCase> cases, IReadOnlyList<int> patchSize, double foregroundFraction = 1.0 / 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(patchSize);
        if (cases.Count == 0)
        {
            throw new ArgumentException("no cases", nameof(cases));
        }

        if (patchSize.Count != 3 || patchSize.Any(p => p is < 1 or > 1024))
        {
            throw new ArgumentException("the patch size needs three values in 1..1024 (z, y, x)", nameof(patchSize));
        }

        if (!double.IsFinite(foregroundFraction) || foregroundFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(foregroundFraction), foregroundFraction, "the foreground fraction must be in [0, 1]");
        }

        this.cases = cases;
        patch = [.. patchSize];
        ForegroundFraction = foregroundFraction;
        var random = new Random(seed);
        foreground = new List<int[]>[cases.Count];
        padValues = new float[cases.Count][];
        for (var c = 0; c < cases.Count; c++)
        {
            var pc = cases[c];
            var byClass = new Dictionary<int, List<int>>();
            for (var i = 0; i < pc.Labels.Length; i++)
            {
                var l = pc.Labels[i];
                if (l > 0)
                {
                    if (!byClass.TryGetValue(l, out var list))
                    {
                        byClass[l] = list = [];
                    }

                    list.Add(i);
                }
            }

            foreground[c] = byClass.OrderBy(kv => kv.Key).Select(kv => Thin(kv.Value, random)).ToList();
            padValues[c] = new float[pc.Channels];
            for (var ch = 0; ch < pc.Channels; ch++)
            {
                var span = pc.Image.AsSpan(ch * pc.VoxelCount, pc.VoxelCount);
                var min = float.PositiveInfinity;
                foreach (var v in span)
                {
                    min = Math.Min(min, v);
                }

                padValues[c][ch] = min;
            }
        }
    }

    /// <summary>The share of patches forced onto foreground.</summary>
    public double ForegroundFraction { get; }

    /// <summary>Patch size (z, y, x).</summary>
    public IReadOnlyList<int> PatchSize => patch;

    /// <summary>Draws one patch; all randomness comes from <paramref name="random"/>.</summary>
    public SampledPatch Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var ci = random.Next(cases.Count);
        var pc = cases[ci];
        var forced = random.NextDouble() < ForegroundFraction && foreground[ci].Count > 0;
        var dims = new[] { pc.Depth, pc.Height, pc.Width };
        var start = new int[3];
        if (forced)
        {
            var cls = foreground[ci][random.Next(foreground[ci].Count)];
            var v = cls[random.Next(cls.Length)];
            var centre = new[] { v / (pc.Height * pc.Width), v / pc.Width % pc.Height, v % pc.Width };
            for (var a = 0; a < 3; a++)
            {
                start[a] = centre[a] - (patch[a] / 2);
            }
        }
        else
        {
            for (var a = 0; a < 3; a++)
            {
                // Uniform over positions that keep the patch inside when it fits, else centred padding range.
                var lo = Math.Min(0, (dims[a] - patch[a]) / 2);
                var hi = Math.Max(lo, dims[a] - patch[a]);
                start[a] = random.Next(lo, hi + 1);
            }
        }

        return Crop(ci, start, forced);
    }

    private SampledPatch Crop(int ci, int[] start, bool forced)
    {
        var pc = cases[ci];
        var n = patch[0] * patch[1] * patch[2];
        var image = new float[n * pc.Channels];
        var labels = new ushort[n];
        for (var ch = 0; ch < pc.Channels; ch++)
        {
            image.AsSpan(ch * n, n).Fill(padValues[ci][ch]);
        }

        for (var z = 0; z < patch[0]; z++)
        {
            var sz = start[0] + z;
            if (sz < 0 || sz >= pc.Depth)
            {
                continue;
            }

            for (var y = 0; y < patch[1]; y++)
            {
                var sy = start[1] + y;
                if (sy < 0 || sy >= pc.Height)
                {
                    continue;
                }

                var x0 = Math.Max(0, -start[2]);
                var x1 = Math.Min(patch[2], pc.Width - start[2]);
                if (x1 <= x0)
                {
                    continue;
                }

                var src = (((sz * pc.Height) + sy) * pc.Width) + start[2] + x0;
                var dst = (((z * patch[1]) + y) * patch[2]) + x0;
                pc.Labels.AsSpan(src, x1 - x0).CopyTo(labels.AsSpan(dst));
                for (var ch = 0; ch < pc.Channels; ch++)
                {
                    pc.Image.AsSpan((ch * pc.VoxelCount) + src, x1 - x0).CopyTo(image.AsSpan((ch * n) + dst));
                }
            }
        }

        return new SampledPatch(pc.Id, image, labels, start, forced);
    }

    private static int[] Thin(List<int> positions, Random random)
    {
        if (positions.Count <= MaxForegroundPositionsPerClass)
        {
            return [.. positions];
        }

        var result = new int[MaxForegroundPositionsPerClass];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = positions[random.Next(positions.Count)];
        }

        return result;
    }
}
