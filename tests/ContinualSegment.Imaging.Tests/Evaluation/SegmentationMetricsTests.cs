using System.Globalization;
using System.Text.Json;
using ContinualSegment.Imaging.Evaluation;

namespace ContinualSegment.Imaging.Tests.Evaluation;

public class SegmentationMetricsTests
{
    private static readonly Vec3 Spacing = new(0.7, 1.1, 2.5);

    private static bool[] RandomBlob(Random rng, int sx, int sy, int sz)
    {
        bool[] m = new bool[sx * sy * sz];
        int blobs = rng.Next(1, 4);
        for (int b = 0; b < blobs; b++)
        {
            double cx = rng.Next(sx), cy = rng.Next(sy), cz = rng.Next(sz), r = 1 + (rng.NextDouble() * 4);
            for (int z = 0; z < sz; z++)
            {
                for (int y = 0; y < sy; y++)
                {
                    for (int x = 0; x < sx; x++)
                    {
                        double dx = (x - cx) * Spacing.X, dy = (y - cy) * Spacing.Y, dz = (z - cz) * Spacing.Z;
                        if ((dx * dx) + (dy * dy) + (dz * dz) <= r * r * 4)
                        {
                            m[x + (sx * (y + (sy * z)))] = true;
                        }
                    }
                }
            }
        }

        return m;
    }

    // Independent references: direct definitions, O(n²).
    private static bool IsSurface(bool[] m, int sx, int sy, int sz, int x, int y, int z)
    {
        if (!m[x + (sx * (y + (sy * z)))])
        {
            return false;
        }

        int[][] nb = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
        foreach (int[] d in nb)
        {
            int a = x + d[0], b = y + d[1], c = z + d[2];
            if (a < 0 || b < 0 || c < 0 || a >= sx || b >= sy || c >= sz || !m[a + (sx * (b + (sy * c)))])
            {
                return true;
            }
        }

        return false;
    }

    private static List<(int X, int Y, int Z)> SurfacePoints(bool[] m, int sx, int sy, int sz)
    {
        var list = new List<(int, int, int)>();
        for (int z = 0; z < sz; z++)
        {
            for (int y = 0; y < sy; y++)
            {
                for (int x = 0; x < sx; x++)
                {
                    if (IsSurface(m, sx, sy, sz, x, y, z))
                    {
                        list.Add((x, y, z));
                    }
                }
            }
        }

        return list;
    }

    private static double[] BruteDirected(List<(int X, int Y, int Z)> from, List<(int X, int Y, int Z)> to) =>
        from.Select(a => to.Min(b =>
        {
            double dx = (a.X - b.X) * Spacing.X, dy = (a.Y - b.Y) * Spacing.Y, dz = (a.Z - b.Z) * Spacing.Z;
            return Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
        })).ToArray();

    private static double NumpyPercentile(double[] v, double p)
    {
        double[] s = v.OrderBy(x => x).ToArray();
        double h = (s.Length - 1) * p / 100;
        int lo = (int)Math.Floor(h);
        return lo + 1 < s.Length ? s[lo] + ((h - lo) * (s[lo + 1] - s[lo])) : s[lo];
    }

    [Fact]
    public void Distance_transform_matches_brute_force_with_anisotropic_spacing()
    {
        var rng = new Random(11);
        const int sx = 9, sy = 7, sz = 6;
        for (int trial = 0; trial < 5; trial++)
        {
            bool[] f = new bool[sx * sy * sz];
            for (int n = 0; n < 1 + trial; n++)
            {
                f[rng.Next(f.Length)] = true;
            }

            double[] d = EuclideanDistanceTransform.SquaredDistance(f, sx, sy, sz, Spacing);
            for (int i = 0; i < f.Length; i++)
            {
                int x = i % sx, y = (i / sx) % sy, z = i / (sx * sy);
                double best = double.PositiveInfinity;
                for (int j = 0; j < f.Length; j++)
                {
                    if (f[j])
                    {
                        double dx = (x - (j % sx)) * Spacing.X, dy = (y - ((j / sx) % sy)) * Spacing.Y, dz = (z - (j / (sx * sy))) * Spacing.Z;
                        best = Math.Min(best, (dx * dx) + (dy * dy) + (dz * dz));
                    }
                }

                Assert.Equal(best, d[i], 9);
            }
        }

        Assert.All(EuclideanDistanceTransform.SquaredDistance(new bool[8], 2, 2, 2, Spacing), v => Assert.True(double.IsPositiveInfinity(v)));
    }

    [Fact]
    public void Dice_hd95_and_surface_dice_match_direct_definitions_on_random_masks()
    {
        var rng = new Random(5);
        const int sx = 14, sy = 12, sz = 8;
        double[] tol = [1.0, 2.0];
        for (int trial = 0; trial < 12; trial++)
        {
            bool[] a = RandomBlob(rng, sx, sy, sz), b = RandomBlob(rng, sx, sy, sz);
            if (!a.Any(v => v) || !b.Any(v => v))
            {
                continue;
            }

            MaskScores s = SegmentationMetrics.Compute(a, b, sx, sy, sz, Spacing, tol);
            long inter = a.Zip(b).LongCount(p => p.First && p.Second);
            Assert.Equal(2.0 * inter / (a.LongCount(v => v) + b.LongCount(v => v)), s.Dice, 12);

            var sa = SurfacePoints(a, sx, sy, sz);
            var sb = SurfacePoints(b, sx, sy, sz);
            double[] ab = BruteDirected(sa, sb), ba = BruteDirected(sb, sa);
            Assert.Equal(Math.Max(NumpyPercentile(ab, 95), NumpyPercentile(ba, 95)), s.Hd95Mm, 9);
            for (int t = 0; t < tol.Length; t++)
            {
                double expected = (double)(ab.Count(d => d <= tol[t]) + ba.Count(d => d <= tol[t])) / (ab.Length + ba.Length);
                Assert.Equal(expected, s.SurfaceDice[t], 12);
            }
        }
    }

    [Fact]
    public void Empty_masks_follow_the_documented_conventions()
    {
        bool[] empty = new bool[8], one = new bool[8];
        one[3] = true;
        MaskScores both = SegmentationMetrics.Compute(empty, empty, 2, 2, 2, Spacing, [1.0]);
        Assert.Equal(1.0, both.Dice);
        Assert.Equal(0.0, both.Hd95Mm);
        Assert.Equal(1.0, both.SurfaceDice[0]);
        MaskScores miss = SegmentationMetrics.Compute(one, empty, 2, 2, 2, Spacing, [1.0]);
        Assert.Equal(0.0, miss.Dice);
        Assert.True(double.IsNaN(miss.Hd95Mm));
        Assert.Equal(0.0, miss.SurfaceDice[0]);
    }

    [Fact]
    public void Shifted_cube_has_the_expected_distances()
    {
        var g = Affine3D.Axial(Vec3.Zero, new Vec3(1, 1, 1));
        var truth = new Volume<ushort>(20, 20, 20, g);
        var pred = new Volume<ushort>(20, 20, 20, g);
        for (int z = 5; z < 15; z++)
        {
            for (int y = 5; y < 15; y++)
            {
                for (int x = 5; x < 15; x++)
                {
                    truth[x, y, z] = 2;
                    pred[x + 3, y, z] = 2;
                }
            }
        }

        var cat = StructureCatalogue.LoadDefault();
        IReadOnlyList<StructureScore> scores = SegmentationEvaluator.EvaluateTask("c1", truth, pred, cat, "pathology");
        StructureScore s = scores.Single(x => x.Label == 2);
        Assert.Equal("lung_tumor", s.Name);
        Assert.Equal(2.0 * 700 / 2000, s.Scores.Dice, 12);
        Assert.Equal(3.0, s.Scores.Hd95Mm, 9);
        Assert.Equal(1.0, scores.Single(x => x.Label == 1).Scores.Dice);
    }

    [Fact]
    public async Task Dice_agrees_with_plastimatch()
    {
        using var dir = new TempDirectory();
        var rng = new Random(21);
        var g = Affine3D.Axial(new Vec3(-10, -20, 5), new Vec3(0.9, 0.9, 2));
        for (int trial = 0; trial < 3; trial++)
        {
            const int sx = 30, sy = 26, sz = 12;
            bool[] a = RandomBlob(rng, sx, sy, sz), b = RandomBlob(rng, sx, sy, sz);
            var va = new Volume<byte>(sx, sy, sz, g, a.Select(v => v ? (byte)1 : (byte)0).ToArray());
            var vb = new Volume<byte>(sx, sy, sz, g, b.Select(v => v ? (byte)1 : (byte)0).ToArray());
            await NiftiWriter.WriteAsync(va, dir.File("a.nii.gz"), default);
            await NiftiWriter.WriteAsync(vb, dir.File("b.nii.gz"), default);
            string output = ExternalTool.Run("plastimatch", "dice", "--dice", dir.File("a.nii.gz"), dir.File("b.nii.gz"));
            string line = output.Split('\n').First(l => l.StartsWith("DICE:", StringComparison.Ordinal));
            double theirs = double.Parse(line["DICE:".Length..].Trim(), CultureInfo.InvariantCulture);
            double ours = SegmentationMetrics.Dice(a, b);
            Assert.True(Math.Abs(theirs - ours) <= 1e-6, $"plastimatch {theirs} vs ours {ours}");
        }
    }

    [Fact]
    public void Report_is_written_as_json_with_nulls_and_as_markdown()
    {
        var scores = new List<StructureScore>
        {
            new("c1", "chest", 1, "spinal_cord", new MaskScores(0.9, 1.5, [0.8, 0.95], 100, 110)),
            new("c1", "chest", 2, "main_bronchus_left", new MaskScores(0.0, double.NaN, [0.0, 0.0], 10, 0)),
        };
        EvaluationReport report = EvaluationReport.Create([1.0, 2.0], scores);
        TaskSummary chest = Assert.Single(report.Tasks);
        Assert.Equal(0.45, chest.MeanDice, 12);
        Assert.Equal(1.5, chest.MeanHd95Mm, 12);

        using JsonDocument doc = JsonDocument.Parse(EvaluationReportWriter.ToJson(report));
        JsonElement s = doc.RootElement.GetProperty("structures");
        Assert.Equal(2, s.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, s[1].GetProperty("hd95_mm").ValueKind);
        Assert.Equal(0.95, s[0].GetProperty("nsd")[1].GetDouble(), 12);
        Assert.Equal(0.45, doc.RootElement.GetProperty("tasks")[0].GetProperty("mean_dice").GetDouble(), 12);

        string md = EvaluationReportWriter.ToMarkdown(report);
        Assert.Contains("| c1 | chest | 1 | spinal_cord | 0.9000 | 1.50 | 0.8000 | 0.9500 |", md, StringComparison.Ordinal);
        Assert.Contains("| c1 | chest | 2 | main_bronchus_left | 0.0000 | n/a |", md, StringComparison.Ordinal);
        Assert.Contains("NSD@1mm", md, StringComparison.Ordinal);
    }
}
