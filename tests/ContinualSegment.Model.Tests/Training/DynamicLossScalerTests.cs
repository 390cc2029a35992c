using ContinualSegment.Model.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Training;

public sealed class DynamicLossScalerTests
{
    [Fact]
    public void An_infinite_gradient_skips_the_step_and_backs_off()
    {
        var scaler = new DynamicLossScaler(initialScale: 1024, growthInterval: 3);
        using var weight = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var optimizer = torch.optim.SGD([weight], 0.1);
        SetGradient(weight, [1024, float.PositiveInfinity, 0]);

        var stepped = scaler.Step(optimizer, [weight]);

        Assert.False(stepped);
        Assert.Equal([1f, 2f, 3f], weight.detach().data<float>().ToArray());
        Assert.Equal(512, scaler.Scale);
        Assert.Equal(1, scaler.SkippedSteps);
        Assert.Equal(0, scaler.GoodSteps);
    }

    [Fact]
    public void A_nan_gradient_in_any_parameter_skips_the_step()
    {
        var scaler = new DynamicLossScaler(initialScale: 8, backoffFactor: 0.25);
        using var a = new Parameter(tensor(new float[] { 1, 1 }));
        using var b = new Parameter(tensor(new float[] { 5 }));
        using var optimizer = torch.optim.SGD([a, b], 1);
        SetGradient(a, [8, 8]);
        SetGradient(b, [float.NaN]);

        Assert.False(scaler.Step(optimizer, [a, b]));
        Assert.Equal([1f, 1f], a.detach().data<float>().ToArray());
        Assert.Equal([5f], b.detach().data<float>().ToArray());
        Assert.Equal(2, scaler.Scale);
    }

    [Fact]
    public void Finite_gradients_are_unscaled_before_the_step()
    {
        var scaler = new DynamicLossScaler(initialScale: 256);
        using var weight = new Parameter(tensor(new float[] { 1, 2 }));
        using var optimizer = torch.optim.SGD([weight], 0.5);
        SetGradient(weight, [256 * 2, 256 * -4]);

        Assert.True(scaler.Step(optimizer, [weight]));

        // w − lr·g with the true gradient (2, −4), not the scaled one.
        Assert.Equal([0f, 4f], weight.detach().data<float>().ToArray());
        Assert.Equal(256, scaler.Scale);
        Assert.Equal(1, scaler.GoodSteps);
    }

    [Fact]
    public void Stable_steps_grow_the_scale_after_the_interval_and_a_skip_resets_the_count()
    {
        var scaler = new DynamicLossScaler(initialScale: 16, growthFactor: 2, growthInterval: 3);
        using var weight = new Parameter(tensor(new float[] { 0 }));
        using var optimizer = torch.optim.SGD([weight], 0.001);
        var scales = new List<double>();
        float[][] gradients = [[1], [1], [float.PositiveInfinity], [1], [1], [1], [1], [1], [1]];
        foreach (var g in gradients)
        {
            SetGradient(weight, [g[0] * (float)scaler.Scale]);
            scaler.Step(optimizer, [weight]);
            scales.Add(scaler.Scale);
        }

        // two good steps, a skip (16 → 8, count reset), then growth after every third good step.
        Assert.Equal([16d, 16, 8, 8, 8, 16, 16, 16, 32], scales);
        Assert.Equal(1, scaler.SkippedSteps);
    }

    [Fact]
    public void The_scale_stays_within_its_bounds()
    {
        var growing = new DynamicLossScaler(initialScale: DynamicLossScaler.MaxScale, growthInterval: 1);
        growing.Update(gradientsFinite: true);
        Assert.Equal(DynamicLossScaler.MaxScale, growing.Scale);

        var shrinking = new DynamicLossScaler(initialScale: DynamicLossScaler.MinScale);
        shrinking.Update(gradientsFinite: false);
        Assert.Equal(DynamicLossScaler.MinScale, shrinking.Scale);
    }

    [Fact]
    public void Scaled_loss_and_backward_give_scaled_gradients()
    {
        var scaler = new DynamicLossScaler(initialScale: 128);
        using var weight = new Parameter(tensor(new float[] { 3 }));
        using (var scope = NewDisposeScope())
        {
            var loss = (weight * weight).sum();
            scaler.ScaleLoss(loss).backward();
        }

        Assert.Equal(128 * 6f, weight.grad!.data<float>()[0]);
        Assert.True(scaler.UnscaleGradients([weight]));
        Assert.Equal(6f, weight.grad!.data<float>()[0]);
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(initialScale: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(initialScale: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(growthFactor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(backoffFactor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScaler(growthInterval: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { InitialLossScale = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { LossScaleGrowthInterval = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Precision = (TrainingPrecision)7 }.Validate());
    }

    private static void SetGradient(Parameter parameter, float[] values)
    {
        using var noGrad = no_grad();
        parameter.grad = tensor(values);
    }
}
