using System.Runtime.InteropServices;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// Gives the C heap's free memory back to the operating system (glibc's <c>malloc_trim</c>). libtorch allocates
/// tensors with malloc, and glibc keeps what a finished chunk freed in its arenas: without a trim a process that
/// has run a few chunks holds their peak as resident memory. Where the C library has no such function (musl,
/// macOS, Windows) this does nothing.
/// </summary>
internal static class NativeHeap
{
    private static readonly Lazy<TrimFn?> Function = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int TrimFn(nuint pad);

    /// <summary>Whether a trim is possible here.</summary>
    public static bool Available => Function.Value is not null;

    /// <summary>Returns free heap memory to the system; true when some was returned.</summary>
    public static bool Trim() => Function.Value is { } trim && trim(0) != 0;

    private static TrimFn? Bind()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
        {
            return null;
        }

        return NativeLibrary.TryGetExport(libc, "malloc_trim", out var address)
            ? Marshal.GetDelegateForFunctionPointer<TrimFn>(address)
            : null;
    }
}
