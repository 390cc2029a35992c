using System.Runtime.InteropServices;
using TorchSharp;

namespace ContinualSegment.Model.Runtime;

/// <summary>Loads and describes the TorchSharp runtime. Nothing here keeps state between calls.</summary>
public static class TorchRuntime
{
    /// <summary>The library build/torch-compat/apply.sh adds next to libLibTorchSharp.so.</summary>
    public const string CompatibilityShimName = "libcseg_stdcxx_compat.so";

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
