using System.Runtime.InteropServices;
using TorchSharp;

namespace ContinualSegment.Model.Training;

/// <summary>
/// libtorch's own autocast switches (<c>at::autocast</c>, thread-local), which TorchSharp 0.107 does
/// not wrap. They are looked up by their C++ (Itanium ABI) names in the already loaded
/// <c>libtorch_cpu</c>; where that fails (another platform or libtorch build) autocast is reported as
/// unavailable with the reason, and nothing else changes.
/// </summary>
internal sealed class LibTorchAutocast
{
    private static readonly Lazy<(LibTorchAutocast? Bound, string? Problem)> Shared = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly SetEnabledFn setEnabled;
    private readonly IsEnabledFn isEnabled;
    private readonly SetDtypeFn setDtype;
    private readonly GetDtypeFn getDtype;
    private readonly NestingFn incrementNesting;
    private readonly NestingFn decrementNesting;
    private readonly ClearCacheFn clearCache;

    private LibTorchAutocast(IntPtr library)
    {
        setEnabled = Bind<SetEnabledFn>(library, "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb");
        isEnabled = Bind<IsEnabledFn>(library, "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE");
        setDtype = Bind<SetDtypeFn>(library, "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE");
        getDtype = Bind<GetDtypeFn>(library, "_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE");
        incrementNesting = Bind<NestingFn>(library, "_ZN2at8autocast17increment_nestingEv");
        decrementNesting = Bind<NestingFn>(library, "_ZN2at8autocast17decrement_nestingEv");
        clearCache = Bind<ClearCacheFn>(library, "_ZN2at8autocast11clear_cacheEv");
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetEnabledFn(sbyte deviceType, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool IsEnabledFn(sbyte deviceType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetDtypeFn(sbyte deviceType, sbyte scalarType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate sbyte GetDtypeFn(sbyte deviceType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int NestingFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ClearCacheFn();

    /// <summary>The bound functions, or null with <see cref="UnavailableReason"/> set.</summary>
    public static LibTorchAutocast? Instance => Shared.Value.Bound;

    /// <summary>Why autocast cannot be used here; null when it can.</summary>
    public static string? UnavailableReason => Shared.Value.Problem;

    public bool IsEnabled(DeviceType device) => isEnabled((sbyte)device);

    public void SetEnabled(DeviceType device, bool enabled) => setEnabled((sbyte)device, enabled);

    public torch.ScalarType GetDtype(DeviceType device) => (torch.ScalarType)getDtype((sbyte)device);

    public void SetDtype(DeviceType device, torch.ScalarType type) => setDtype((sbyte)device, (sbyte)type);

    public int IncrementNesting() => incrementNesting();

    public int DecrementNesting() => decrementNesting();

    public void ClearCache() => clearCache();

    private static T Bind<T>(IntPtr library, string symbol)
        where T : Delegate
        => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, symbol));

    private static (LibTorchAutocast? Bound, string? Problem) Resolve()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return (null, "autocast is bound to libtorch by its Linux (Itanium ABI) symbol names; this platform is not supported");
        }

        try
        {
            // libtorch is loaded by TorchSharp on first use; afterwards the dynamic loader finds
            // libtorch_cpu.so by its SONAME among the loaded libraries.
            if (!torch.TryInitializeDeviceType(DeviceType.CPU))
            {
                return (null, "libtorch could not be initialised");
            }

            if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(torch).Assembly, null, out var library))
            {
                return (null, "libtorch_cpu.so is not loaded in this process");
            }

            return (new LibTorchAutocast(library), null);
        }
        catch (EntryPointNotFoundException ex)
        {
            return (null, $"this libtorch build does not export the autocast switches ({ex.Message})");
        }
    }
}
