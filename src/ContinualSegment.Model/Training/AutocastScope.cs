using TorchSharp;

namespace ContinualSegment.Model.Training;

/// <summary>
/// A region of code whose eligible operations (convolutions, matrix products) run in a reduced float
/// type on one device type, like PyTorch's <c>torch.autocast</c>: entering saves the thread's autocast
/// state and switches it on; disposing restores it and, when the outermost region ends, drops the
/// cached reduced-precision copies of the weights. The state is per thread: dispose on the thread
/// that entered. Run the backward pass outside the region.
/// </summary>
public sealed class AutocastScope : IDisposable
{
    private readonly LibTorchAutocast native;
    private readonly DeviceType device;
    private readonly bool previousEnabled;
    private readonly torch.ScalarType previousType;
    private bool disposed;

    private AutocastScope(LibTorchAutocast native, DeviceType device, torch.ScalarType type)
    {
        this.native = native;
        this.device = device;
        previousEnabled = native.IsEnabled(device);
        previousType = native.GetDtype(device);
        native.SetEnabled(device, true);
        native.SetDtype(device, type);
        native.IncrementNesting();
        ReducedType = type;
    }

    /// <summary>The float type eligible operations run in.</summary>
    public torch.ScalarType ReducedType { get; }

    /// <summary>Whether autocast can be switched on in this process; <paramref name="reason"/> says why not.</summary>
    public static bool IsAvailable(out string? reason)
    {
        reason = LibTorchAutocast.UnavailableReason;
        return reason is null;
    }

    /// <summary>The reduced type used on a device type: float16 on CUDA, bfloat16 on the CPU.</summary>
    public static torch.ScalarType DefaultReducedType(DeviceType device) => device switch
    {
        DeviceType.CUDA => torch.ScalarType.Float16,
        DeviceType.CPU => torch.ScalarType.BFloat16,
        _ => throw new NotSupportedException($"mixed precision is implemented for CUDA and the CPU, not for {device}"),
    };

    /// <summary>Enters an autocast region for <paramref name="device"/> with its default reduced type.</summary>
    /// <exception cref="NotSupportedException">Autocast is not available (the message says why).</exception>
    public static AutocastScope Enter(DeviceType device) => Enter(device, DefaultReducedType(device));

    /// <summary>Enters an autocast region for <paramref name="device"/> with <paramref name="type"/> (float16 or bfloat16).</summary>
    /// <exception cref="NotSupportedException">Autocast is not available (the message says why).</exception>
    public static AutocastScope Enter(DeviceType device, torch.ScalarType type)
    {
        if (type is not (torch.ScalarType.Float16 or torch.ScalarType.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "autocast runs in float16 or bfloat16");
        }

        if (device is not (DeviceType.CPU or DeviceType.CUDA))
        {
            throw new NotSupportedException($"mixed precision is implemented for CUDA and the CPU, not for {device}");
        }

        var native = LibTorchAutocast.Instance
            ?? throw new NotSupportedException("mixed precision needs libtorch's autocast, which is not available: " + LibTorchAutocast.UnavailableReason);
        return new AutocastScope(native, device, type);
    }

    /// <summary>Whether autocast is on for <paramref name="device"/> on this thread (false when unavailable).</summary>
    public static bool IsEnabled(DeviceType device) => LibTorchAutocast.Instance?.IsEnabled(device) ?? false;

    /// <summary>Leaves the region and restores the previous state.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (native.DecrementNesting() == 0)
        {
            native.ClearCache();
        }

        native.SetEnabled(device, previousEnabled);
        native.SetDtype(device, previousType);
    }
}
