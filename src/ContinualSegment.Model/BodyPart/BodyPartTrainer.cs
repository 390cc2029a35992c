using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// Self-supervised training of a <see cref="BodyPartRegressor"/> (unsupervised body-part regression):
/// from each volume m equidistant slices are drawn; the order loss −log σ(s[i+1] − s[i]) makes scores
/// rise with slice position and the distance loss (smooth-L1 of the second differences) makes equal
/// slice steps give equal score steps. No labels are used. All volumes should share one slice spacing.
/// </summary>
public static class BodyPartTrainer
{
    /// <summary>Trains <paramref name="regressor"/> on <paramref name="volumes"/> (each [D, 1, S, S]); returns the loss per step.</summary>
    public static IReadOnlyList<double> Train(BodyPartRegressor regressor, IReadOnlyList<Tensor> volumes, BodyPartTrainingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(regressor);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var m = options.SlicesPerVolume;
        var usable = volumes.Where(v => v.dim() == 4 && v.shape[0] >= m).ToArray();
        if (usable.Length == 0)
        {
            throw new ArgumentException($"no volume has at least {m} slices", nameof(volumes));
        }

        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        using var optimizer = torch.optim.Adam(regressor.parameters(), options.LearningRate);
        var losses = new List<double>(options.Steps);
        regressor.train();
        for (var step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var picks = new List<Tensor>();
            for (var v = 0; v < options.VolumesPerStep; v++)
            {
                var volume = usable[random.Next(usable.Length)];
                var depth = (int)volume.shape[0];
                var maxGap = Math.Max(1, Math.Min(options.MaxSliceGap, (depth - 1) / (m - 1)));
                var gap = random.Next(1, maxGap + 1);
                var first = random.Next(0, depth - ((m - 1) * gap));
                var index = tensor(Enumerable.Range(0, m).Select(i => (long)(first + (i * gap))).ToArray());
                picks.Add(Zoom(volume.index_select(0, index), random, options.MaxZoom));
            }

            var batch = cat(picks, 0);
            var scores = regressor.call(batch).reshape(options.VolumesPerStep, m);
            var diffs = scores.narrow(1, 1, m - 1) - scores.narrow(1, 0, m - 1);
            var order = -nn.functional.logsigmoid(diffs).mean();
            var second = diffs.narrow(1, 1, m - 2) - diffs.narrow(1, 0, m - 2);
            var distance = nn.functional.smooth_l1_loss(second, zeros_like(second));
            var loss = order.Plus(distance.Times(options.DistanceWeight));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        regressor.eval();
        return losses;
    }

    /// <summary>The same random zoom-in (and shift within the frame) for every slice of one draw.</summary>
    private static Tensor Zoom(Tensor slices, Random random, double maxZoom)
    {
        var zoom = 1 + (random.NextDouble() * (maxZoom - 1));
        var inverse = 1 / zoom;
        var room = 1 - inverse;
        var tx = ((random.NextDouble() * 2) - 1) * room;
        var ty = ((random.NextDouble() * 2) - 1) * room;
        if (zoom <= 1.0001)
        {
            return slices;
        }

        var n = slices.shape[0];
        var theta = tensor(new float[] { (float)inverse, 0, (float)tx, 0, (float)inverse, (float)ty }).reshape(1, 2, 3).expand(n, 2, 3);
        var grid = nn.functional.affine_grid(theta, [n, slices.shape[1], slices.shape[2], slices.shape[3]], align_corners: false);
        return nn.functional.grid_sample(slices, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
    }
}
