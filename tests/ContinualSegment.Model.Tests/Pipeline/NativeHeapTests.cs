using ContinualSegment.Model.Pipeline;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests.Pipeline;

public sealed class NativeHeapTests
{
    private static long ResidentBytes() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;

    [Fact]
    public void The_c_heap_can_be_trimmed_on_this_linux_and_gives_freed_tensor_memory_back()
    {
        Assert.True(NativeHeap.Available, "glibc's malloc_trim was not found: the pipeline would keep each chunk's peak resident");

        // Freeing one 16 MB tensor raises glibc's mmap threshold above 1 MB, so the next 1 MB tensors come from
        // malloc's arenas; the last one stays alive above them, so freeing the rest leaves their pages in the arena
        // (nothing at the top to give back by itself). Only a trim returns them.
        zeros(4 * 1024 * 1024).PlusInPlace(1).Dispose();
        var tensors = new List<Tensor>();
        for (var i = 0; i < 200; i++)
        {
            tensors.Add(zeros(256 * 1024).PlusInPlace(1));
        }

        using var pin = zeros(256 * 1024).PlusInPlace(1);
        foreach (var t in tensors)
        {
            t.Dispose();
        }

        var before = ResidentBytes();
        NativeHeap.Trim();
        var after = ResidentBytes();

        Assert.True(before - after > 100L * 1024 * 1024, $"a trim gave back only {(before - after) / 1e6:0.0} MB of 200 MB freed ({before / 1e6:0} -> {after / 1e6:0} MB resident)");
    }
}
