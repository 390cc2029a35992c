namespace ContinualSegment.Model.Runtime;

/// <summary>What the TorchSharp native runtime reports on this machine.</summary>
/// <param name="Loaded">Whether libtorch and LibTorchSharp loaded.</param>
/// <param name="LibTorchVersion">The libtorch version string, when loaded.</param>
/// <param name="CudaAvailable">Whether a CUDA device can be used.</param>
/// <param name="Threads">The number of intra-op CPU threads.</param>
/// <param name="CompatibilityShimApplied">Whether build/torch-compat/apply.sh patched the native library of this output.</param>
/// <param name="NativeDirectory">Where the native libraries were looked for.</param>
/// <param name="Error">Why loading failed, when it did.</param>
public sealed record TorchRuntimeInfo(
    bool Loaded,
    string? LibTorchVersion,
    bool CudaAvailable,
    int Threads,
    bool CompatibilityShimApplied,
    string NativeDirectory,
    string? Error);
