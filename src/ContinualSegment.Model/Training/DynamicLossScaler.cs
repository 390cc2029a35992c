using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Training;

/// <summary>
/// Dynamic loss scaling for float16 training: the loss is multiplied by <see cref="Scale"/> before the
/// backward pass so small gradients do not underflow; the gradients are divided by it again before
/// the optimiser step. A step whose gradients hold an infinity or NaN is skipped and the scale backs
/// off; after <see cref="GrowthInterval"/> consecutive good steps the scale grows.
/// </summary>
public sealed class DynamicLossScaler
{
    /// <summary>The smallest scale a back-off goes to.</summary>
    public const double MinScale = 1.0 / 65536;

    /// <summary>The largest scale growth goes to.</summary>
    public const double MaxScale = 16_777_216;

    /// <summary>Creates a scaler.</summary>
    /// <param name="initialScale">The first scale (PyTorch's default 2^16).</param>
    /// <param name="growthFactor">Multiplier after <paramref name="growthInterval"/> good steps (&gt; 1).</param>
    /// <param name="backoffFactor">Multiplier after a step with non-finite gradients (in (0, 1)).</param>
    /// <param name="growthInterval">Consecutive good steps before the scale grows.</param>
    public DynamicLossScaler(double initialScale = 65536, double growthFactor = 2, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        if (!double.IsFinite(initialScale) || initialScale < MinScale || initialScale > MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(initialScale), initialScale, $"the initial scale must be in [{MinScale}, {MaxScale}]");
        }

        if (!double.IsFinite(growthFactor) || growthFactor <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, "the growth factor must be > 1");
        }

        if (!double.IsFinite(backoffFactor) || backoffFactor is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, "the back-off factor must be in (0, 1)");
        }

        if (growthInterval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(growthInterval), growthInterval, "the growth interval must be ≥ 1");
        }

        Scale = initialScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    /// <summary>The current loss scale.</summary>
    public double Scale { get; private set; }

    /// <summary>Multiplier applied after <see cref="GrowthInterval"/> good steps.</summary>
    public double GrowthFactor { get; }

    /// <summary>Multiplier applied after a skipped step.</summary>
    public double BackoffFactor { get; }

    /// <summary>Good steps needed before the scale grows.</summary>
    public int GrowthInterval { get; }

    /// <summary>Consecutive good steps since the last change of the scale.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Steps skipped for non-finite gradients so far.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>The scale, growth tracker and skip count, as a checkpoint stores them.</summary>
    public LossScalerState State => new(Scale, GoodSteps, SkippedSteps);

    /// <summary>
    /// Continues from a stored <paramref name="state"/> (a resumed run): the scale, growth tracker and skip
    /// count become the stored ones; the factors and the interval stay this scaler's.
    /// </summary>
    /// <exception cref="ArgumentException">The state is out of range for this scaler.</exception>
    public void Restore(LossScalerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!double.IsFinite(state.Scale) || state.Scale < MinScale || state.Scale > MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.Scale, $"the stored loss scale must be in [{MinScale}, {MaxScale}]");
        }

        if (state.GoodSteps < 0 || state.GoodSteps >= GrowthInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.GoodSteps, $"the stored growth tracker must be in 0..{GrowthInterval - 1} (the growth interval is {GrowthInterval})");
        }

        if (state.SkippedSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.SkippedSteps, "the stored count of skipped steps must be ≥ 0");
        }

        Scale = state.Scale;
        GoodSteps = state.GoodSteps;
        SkippedSteps = state.SkippedSteps;
    }

    /// <summary>The loss multiplied by the current scale (call backward on this).</summary>
    public Tensor ScaleLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss.Times(Scale);
    }

    /// <summary>
    /// Divides every gradient of <paramref name="parameters"/> by the scale, in place.
    /// </summary>
    /// <returns>True when every gradient is finite afterwards.</returns>
    public bool UnscaleGradients(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inverse = 1.0 / Scale;
        Tensor? nonFinite = null;
        foreach (var p in parameters)
        {
            var g = p.grad;
            if (g is null)
            {
                continue;
            }

            g.TimesInPlace(inverse);
            var bad = g.isfinite().logical_not().any();
            nonFinite = nonFinite is null ? bad : nonFinite.logical_or(bad);
        }

        return nonFinite is null || !nonFinite.item<bool>();
    }

    /// <summary>Backs off after non-finite gradients, or counts a good step and grows the scale when due.</summary>
    public void Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale = Math.Max(Scale * BackoffFactor, MinScale);
            GoodSteps = 0;
            SkippedSteps++;
            return;
        }

        GoodSteps++;
        if (GoodSteps >= GrowthInterval)
        {
            Scale = Math.Min(Scale * GrowthFactor, MaxScale);
            GoodSteps = 0;
        }
    }

    /// <summary>
    /// The optimiser step of a scaled backward pass: unscales the gradients, and when they are finite
    /// runs <paramref name="beforeStep"/> (gradient clipping sees true gradients) and the step;
    /// otherwise the step is skipped. The scale is updated either way.
    /// </summary>
    /// <returns>Whether the optimiser stepped.</returns>
    public bool Step(OptimizerHelper optimizer, IReadOnlyList<Parameter> parameters, Action? beforeStep = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        var finite = UnscaleGradients(parameters);
        if (finite)
        {
            beforeStep?.Invoke();
            optimizer.step();
        }

        Update(finite);
        return finite;
    }
}
