using System.Runtime.InteropServices;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// The C heap libtorch allocates tensors from (glibc's <c>malloc</c>). <see cref="Trim"/> gives its free memory back to
/// the operating system (<c>malloc_trim</c>): glibc keeps what a finished chunk freed in its arenas, so without a trim a
/// process that has run a few chunks holds their peak as resident memory. <see cref="RetainFreed"/> does the opposite for
/// processes that reallocate the same large tensors every step (training). Where the C library has no such function
/// (musl, macOS, Windows) they do nothing.
/// </summary>
internal static class NativeHeap
{
    // mallopt parameters (malloc.h) and the values RetainFreed sets: glibc's largest mmap threshold (HEAP_MAX_SIZE / 2 on
    // 64-bit) and a trim threshold of 2 GB.
    private const int TrimThresholdParameter = -1;
    private const int MmapThresholdParameter = -3;
    private const int LargestMmapThreshold = 32 * 1024 * 1024;
    private const int KeptTop = int.MaxValue;

    private static readonly Lazy<TrimFn?> Function = new(() => Bind<TrimFn>("malloc_trim"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<MalloptFn?> Mallopt = new(() => Bind<MalloptFn>("mallopt"), LazyThreadSafetyMode.ExecutionAndPublication);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int TrimFn(nuint pad);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MalloptFn(int parameter, int value);

    /// <summary>Whether a trim is possible here.</summary>
    public static bool Available => Function.Value is not null;

    /// <summary>Returns free heap memory to the system; true when some was returned.</summary>
    public static bool Trim() => Function.Value is { } trim && trim(0) != 0;

    /// <summary>
    /// Makes the heap keep freed memory for reuse: blocks up to 32 MB are allocated from the heap instead of being mapped
    /// and unmapped one by one, and up to 2 GB of free memory at the heap's top stay with the process. Process-wide and
    /// for the rest of the process (<see cref="Runtime.TorchRuntime.Configure"/> applies it once). True when both settings
    /// were taken.
    /// </summary>
    public static bool RetainFreed()
        => Mallopt.Value is { } mallopt
            && mallopt(MmapThresholdParameter, LargestMmapThreshold) == 1
            && mallopt(TrimThresholdParameter, KeptTop) == 1;

    // glibc's function `name`, or null where there is no glibc or it lacks the function.
    private static T? Bind<T>(string name)
        where T : Delegate
        => OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var libc) && NativeLibrary.TryGetExport(libc, name, out var address)
            ? Marshal.GetDelegateForFunctionPointer<T>(address)
            : null;
}
