using System.Runtime.InteropServices;
using TorchSharp;

namespace ContinualSegment.Model.Runtime;

/// <summary>
/// Loads, configures and describes the TorchSharp runtime. <see cref="Configure"/> is the one place that changes
/// libtorch's process-wide state (threads, seed, the C heap's reuse of freed memory); it remembers what it applied so that a
/// second call can be checked against the first.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The library build/torch-compat/apply.sh adds next to libLibTorchSharp.so.</summary>
    public const string CompatibilityShimName = "libcseg_stdcxx_compat.so";

    private static readonly Lock Gate = new();
    private static TorchRuntimeOptions applied = new();

    /// <summary>
    /// Applies <paramref name="options"/> to libtorch, once per process. Each setting can be given once: giving it
    /// again with the same value does nothing (so the call is idempotent), a null setting leaves what was applied.
    /// </summary>
    /// <returns>The settings in force after the call (the union of every call's settings).</returns>
    /// <exception cref="InvalidOperationException">A setting was already applied with another value.</exception>
    public static TorchRuntimeOptions Configure(TorchRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        lock (Gate)
        {
            var current = applied;
            Check(nameof(options.Threads), current.Threads, options.Threads);
            Check(nameof(options.InteropThreads), current.InteropThreads, options.InteropThreads);
            Check(nameof(options.Seed), current.Seed, options.Seed);
            Check(nameof(options.RetainFreedMemory), current.RetainFreedMemory, options.RetainFreedMemory);
            if (options.InteropThreads is { } interop && current.InteropThreads is null)
            {
                torch.set_num_interop_threads(interop);
            }

            if (options.Threads is { } threads && current.Threads is null)
            {
                torch.set_num_threads(threads);
            }

            if (options.Seed is { } seed && current.Seed is null)
            {
                torch.manual_seed(seed);
            }

            if (options.RetainFreedMemory is true && current.RetainFreedMemory is null)
            {
                Pipeline.NativeHeap.RetainFreed();
            }

            applied = new TorchRuntimeOptions
            {
                Threads = current.Threads ?? options.Threads,
                InteropThreads = current.InteropThreads ?? options.InteropThreads,
                Seed = current.Seed ?? options.Seed,
                RetainFreedMemory = current.RetainFreedMemory ?? options.RetainFreedMemory,
            };
            return applied;
        }
    }

    /// <summary>Loads the native runtime if needed and reports what it found; never throws.</summary>
    public static TorchRuntimeInfo Probe()
    {
        var nativeDir = NativeDirectory();
        var shimApplied = File.Exists(Path.Combine(nativeDir, CompatibilityShimName));
        try
        {
            var loaded = torch.TryInitializeDeviceType(DeviceType.CPU);
            if (!loaded)
            {
                return new TorchRuntimeInfo(false, null, false, 0, shimApplied, nativeDir, "libtorch could not be initialised for the CPU");
            }

            return new TorchRuntimeInfo(true, torch.__version__, torch.cuda.is_available(), torch.get_num_threads(), shimApplied, nativeDir, null);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException or EntryPointNotFoundException or ExternalException)
        {
            return new TorchRuntimeInfo(false, null, false, 0, shimApplied, nativeDir, Flatten(ex));
        }
    }

    /// <summary>The device inference and training use: CUDA where the build and machine have it, else CPU.</summary>
    /// <param name="preferCuda">False forces the CPU.</param>
    public static torch.Device SelectDevice(bool preferCuda = true)
        => preferCuda && torch.cuda.is_available() ? torch.CUDA : torch.CPU;

    private static void Check<T>(string name, T? current, T? requested)
        where T : struct
    {
        if (current is { } c && requested is { } r && !EqualityComparer<T>.Default.Equals(c, r))
        {
            throw new InvalidOperationException($"libtorch's {name} was already configured as {c} in this process; it cannot become {r}");
        }
    }

    private static string NativeDirectory()
    {
        var rid = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win-x64" : "linux-x64";
        var perRid = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native");
        return Directory.Exists(perRid) ? perRid : AppContext.BaseDirectory;
    }

    private static string Flatten(Exception ex)
    {
        var parts = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message.ReplaceLineEndings(" "));
        }

        return string.Join(" <- ", parts);
    }
}
