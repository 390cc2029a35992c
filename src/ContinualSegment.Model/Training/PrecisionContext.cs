using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Training;

/// <summary>
/// How a training loop runs its forward pass and optimiser step for one <see cref="TrainingPrecision"/>
/// on one device type. For <see cref="TrainingPrecision.Float32"/> it adds nothing (the loop's
/// operations are exactly those of a plain float32 step). For <see cref="TrainingPrecision.Mixed"/>
/// the forward pass runs under autocast (float16 on CUDA, bfloat16 on the CPU), the outputs are cast
/// back to float32 for the loss, and on CUDA the loss is scaled dynamically (<see cref="DynamicLossScaler"/>).
/// </summary>
public sealed class PrecisionContext
{
    private PrecisionContext(TrainingPrecision precision, DeviceType device, DynamicLossScaler? scaler)
    {
        Precision = precision;
        Device = device;
        Scaler = scaler;
        ReducedType = precision == TrainingPrecision.Mixed ? AutocastScope.DefaultReducedType(device) : null;
    }

    /// <summary>The precision.</summary>
    public TrainingPrecision Precision { get; }

    /// <summary>The device type the network runs on.</summary>
    public DeviceType Device { get; }

    /// <summary>The reduced float type of the forward pass; null for float32.</summary>
    public ScalarType? ReducedType { get; }

    /// <summary>The loss scaler (float16 only); null otherwise.</summary>
    public DynamicLossScaler? Scaler { get; }

    /// <summary>Steps skipped for non-finite gradients (always 0 without a scaler).</summary>
    public long SkippedSteps => Scaler?.SkippedSteps ?? 0;

    /// <summary>
    /// Why mixed precision is refused on the CPU of this machine although autocast is available: its libtorch computes
    /// bfloat16 convolutions wrongly (checked once per process); null when they are right.
    /// </summary>
    public static string? CpuMixedPrecisionProblem => CpuBFloat16Check.Problem;

    /// <summary>A context for <paramref name="precision"/> on <paramref name="device"/>.</summary>
    /// <exception cref="NotSupportedException">Mixed precision was asked for where autocast is not available; the message says why.</exception>
    public static PrecisionContext Create(TrainingPrecision precision, DeviceType device, double initialLossScale = 65536, int lossScaleGrowthInterval = 2000)
    {
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision");
        }

        if (precision == TrainingPrecision.Float32)
        {
            return new PrecisionContext(precision, device, null);
        }

        if (device is not (DeviceType.CPU or DeviceType.CUDA))
        {
            throw new NotSupportedException($"mixed precision is implemented for CUDA (float16) and the CPU (bfloat16), not for {device}; train with float32 precision");
        }

        if (!AutocastScope.IsAvailable(out var reason))
        {
            throw new NotSupportedException($"mixed precision is not available on {device}: {reason}; train with float32 precision");
        }

        if (device == DeviceType.CPU && CpuBFloat16Check.Problem is { } wrong)
        {
            throw new NotSupportedException($"mixed precision is not available on the CPU: {wrong}; train with float32 precision");
        }

        var scaler = device == DeviceType.CUDA ? new DynamicLossScaler(initialLossScale, growthInterval: lossScaleGrowthInterval) : null;
        return new PrecisionContext(precision, device, scaler);
    }

    /// <summary>
    /// A context that scales the loss with <paramref name="scaler"/> whatever the precision and device: lets the
    /// scaler's bookkeeping (checkpoint and resume) be exercised where float16 training is not available.
    /// </summary>
    internal static PrecisionContext WithLossScaler(TrainingPrecision precision, DeviceType device, DynamicLossScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        return new PrecisionContext(precision, device, scaler);
    }

    /// <summary>A context for <paramref name="options"/>' precision on the device of <paramref name="module"/>'s parameters.</summary>
    public static PrecisionContext For(TrainingOptions options, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(module);
        return Create(options.Precision, DeviceOf(module).type, options.InitialLossScale, options.LossScaleGrowthInterval);
    }

    /// <summary>The device of a module's first parameter (the CPU when it has none).</summary>
    public static torch.Device DeviceOf(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var first = module.parameters().FirstOrDefault();
        return first?.device ?? torch.CPU;
    }

    /// <summary>Enters the forward pass's autocast region; null (nothing to dispose) for float32.</summary>
    public AutocastScope? Autocast() => ReducedType is { } type ? AutocastScope.Enter(Device, type) : null;

    /// <summary>Network outputs as the loss takes them: unchanged for float32, cast to float32 otherwise.</summary>
    public IReadOnlyList<Tensor> ForLoss(IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return ReducedType is null ? outputs : [.. outputs.Select(ForLoss)];
    }

    /// <summary>One network output as the loss takes it: unchanged for float32, cast to float32 otherwise.</summary>
    public Tensor ForLoss(Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return ReducedType is null || output.dtype == ScalarType.Float32 ? output : output.to(ScalarType.Float32);
    }

    /// <summary>
    /// Backward pass and optimiser step: float32 and bfloat16 run backward, clip (when
    /// <paramref name="maxGradNorm"/> is set) and step; float16 scales the loss, unscales the gradients
    /// and skips the step when they are not finite.
    /// </summary>
    /// <returns>Whether the optimiser stepped.</returns>
    public bool BackwardAndStep(Tensor loss, OptimizerHelper optimizer, IReadOnlyList<Parameter> parameters, double? maxGradNorm)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        if (Scaler is null)
        {
            loss.backward();
            if (maxGradNorm is { } norm)
            {
                nn.utils.clip_grad_norm_(parameters, norm);
            }

            optimizer.step();
            return true;
        }

        using (var scaled = Scaler.ScaleLoss(loss))
        {
            scaled.backward();
        }

        Action? clip = null;
        if (maxGradNorm is { } n)
        {
            clip = () => nn.utils.clip_grad_norm_(parameters, n);
        }

        return Scaler.Step(optimizer, parameters, clip);
    }
}
