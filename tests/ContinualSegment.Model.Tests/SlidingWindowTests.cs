using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests;

public sealed class SlidingWindowTests
{
    [Fact]
    public void Gaussian_map_peaks_at_the_centre_falls_off_symmetrically_and_stays_positive()
    {
        var map = GaussianImportanceMap.CreateArray([8, 16, 16]);
        float At(int z, int y, int x) => map[(((z * 16) + y) * 16) + x];

        Assert.Equal(1f, map.Max());
        Assert.True(map.Min() > 0);
        Assert.Equal(At(3, 7, 7), At(4, 8, 8), 6);
        Assert.Equal(At(0, 2, 5), At(7, 13, 10), 6);
        Assert.True(At(4, 8, 8) > At(4, 8, 12));
        Assert.True(At(4, 8, 12) > At(4, 8, 15));

        // σ = n/8: one σ from the centre (x − 7.5 = 2) the weight relative to the centre line is exp(−1/2).
        var sigmaRatio = At(4, 8, 8 + 1) / At(4, 8, 8);
        var expected = Math.Exp(-((1.5 * 1.5) - (0.5 * 0.5)) / (2 * 2.0 * 2.0));
        Assert.Equal(expected, sigmaRatio, 5);
    }

    [Theory]
    [InlineData(16, 16, 0.5, new long[] { 0 })]
    [InlineData(24, 16, 0.5, new long[] { 0, 8 })]
    [InlineData(40, 16, 0.5, new long[] { 0, 8, 16, 24 })]
    [InlineData(20, 16, 0.5, new long[] { 0, 4 })]
    [InlineData(34, 16, 1.0, new long[] { 0, 9, 18 })]
    public void Window_starts_cover_the_axis_evenly(long size, long patch, double step, long[] expected)
    {
        var starts = SlidingWindowPredictor.WindowStarts(size, patch, step);
        Assert.Equal(expected, starts);
        Assert.Equal(size - patch, Math.Max(0, size - patch) == 0 ? 0 : starts[^1]);
    }

    [Fact]
    public void One_patch_volume_gives_the_direct_softmax()
    {
        torch.manual_seed(31);
        using var bank = new DecoderBank(TinyPlans.Plan(TinyPlans.Decoder("a", "wholebody", ["x", "y"]), TinyPlans.Decoder("b", "chest", ["z"])));
        bank.eval();
        using var scope = NewDisposeScope();
        var image = randn(new long[] { 1, 16, 16, 16 });
        using var predictor = new SlidingWindowPredictor(bank, [16, 16, 16]);

        using var prediction = predictor.Predict(image);

        using var _ = no_grad();
        var direct = bank.forward(image.unsqueeze(0));
        foreach (var id in new[] { "a", "b" })
        {
            var expected = nn.functional.softmax(direct[id], 1).squeeze(0);
            var got = prediction.Probabilities[id];
            Assert.Equal(expected.shape, got.shape);
            var maxDiff = (expected - got).abs().max().item<float>();
            Assert.True(maxDiff < 1e-6f, $"decoder {id}: max difference {maxDiff}");
        }
    }

    [Fact]
    public void Larger_and_smaller_volumes_give_normalised_probabilities_on_their_own_grid()
    {
        torch.manual_seed(32);
        using var bank = new DecoderBank(TinyPlans.Plan());
        using var predictor = new SlidingWindowPredictor(bank, [16, 16, 16], new SlidingWindowOptions { Mirroring = true, MirrorAxes = [0, 2], BatchSize = 3 });
        foreach (var (d, h, w) in new[] { (24, 20, 16), (10, 16, 13) })
        {
            var voxels = new float[d * h * w];
            var random = new Random(d);
            for (var i = 0; i < voxels.Length; i++)
            {
                voxels[i] = (float)random.NextDouble();
            }

            using var prediction = predictor.Predict(voxels, d, h, w);
            var probs = prediction.Probabilities["wholebody"];
            Assert.Equal(new long[] { 3, d, h, w }, probs.shape);
            using var scope = NewDisposeScope();
            Assert.True(probs.sum(dim: 0).Minus(1).abs().max().item<float>() < 1e-5f);
            var labels = prediction.ArgMax("wholebody", slabDepth: 3);
            Assert.Equal(d * h * w, labels.Length);
            var reference = probs.argmax(0).to(ScalarType.Byte).contiguous().bytes.ToArray();
            Assert.Equal(reference, labels);
        }
    }

    [Fact]
    public void Half_precision_accumulation_stays_close_to_float()
    {
        torch.manual_seed(35);
        using var bank = new DecoderBank(TinyPlans.Plan());
        using var full = new SlidingWindowPredictor(bank, [16, 16, 16], new SlidingWindowOptions { ImportanceFloor = SlidingWindowOptions.HalfImportanceFloor });
        using var half = new SlidingWindowPredictor(bank, [16, 16, 16], new SlidingWindowOptions { AccumulateInHalf = true });
        var voxels = Enumerable.Range(0, 16 * 16 * 24).Select(i => (float)Math.Sin(i * 0.01)).ToArray();

        using var a = full.Predict(voxels, 24, 16, 16);
        using var b = half.Predict(voxels, 24, 16, 16);

        using var scope = NewDisposeScope();
        Assert.Equal(ScalarType.Float16, b.Probabilities["wholebody"].dtype);
        var diff = (a.Probabilities["wholebody"] - b.Probabilities["wholebody"].to(ScalarType.Float32)).abs().max().item<float>();
        Assert.True(diff < 2e-3f, $"max difference {diff}");
    }

    [Fact]
    public void Hundred_inference_calls_leave_no_live_tensors_behind()
    {
        torch.manual_seed(33);
        using var bank = new DecoderBank(TinyPlans.Plan());
        using var predictor = new SlidingWindowPredictor(bank, [16, 16, 16], new SlidingWindowOptions { StepFraction = 0.5 });
        var voxels = new float[12 * 16 * 16];
        using (var warm = predictor.Predict(voxels, 12, 16, 16))
        {
            Assert.NotEmpty(warm.ArgMax("wholebody"));
        }

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var alive = predictor.Predict(voxels, 12, 16, 16))
        {
            // The statistic does see the tensors a prediction holds.
            Assert.True(DisposeScopeManager.Statistics.ThreadTotalLiveCount > before);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        for (var i = 0; i < 100; i++)
        {
            using var prediction = predictor.Predict(voxels, 12, 16, 16);
            _ = prediction.ArgMax("wholebody");
        }

        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(before, after);
    }

    [Fact]
    public void Only_the_requested_decoders_run()
    {
        torch.manual_seed(34);
        using var bank = new DecoderBank(TinyPlans.Plan(TinyPlans.Decoder("a", "wholebody", ["x"]), TinyPlans.Decoder("b", "chest", ["z"])));
        var calls = 0;
        var hook = bank.GetDecoder("b").register_forward_hook((_, _, output) =>
        {
            calls++;
            return output;
        });
        using var predictor = new SlidingWindowPredictor(bank, [16, 16, 16]);

        using (var onlyA = predictor.Predict(new float[16 * 16 * 16], 16, 16, 16, ["a"]))
        {
            Assert.Equal(["a"], onlyA.Probabilities.Keys);
        }

        Assert.Equal(0, calls);
        using (var both = predictor.Predict(new float[16 * 16 * 16], 16, 16, 16))
        {
            Assert.Equal(2, both.Probabilities.Count);
        }

        Assert.Equal(1, calls);
        hook.remove();
    }
}
