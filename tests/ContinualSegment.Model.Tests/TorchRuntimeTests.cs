using ContinualSegment.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Probe_reports_libtorch_loaded()
    {
        var info = TorchRuntime.Probe();

        Assert.True(info.Loaded, info.Error);
        Assert.StartsWith("2.", info.LibTorchVersion, StringComparison.Ordinal);
        Assert.True(info.Threads >= 1);
    }

    [Fact]
    public void Configure_is_idempotent_for_the_same_threads_and_refuses_other_threads()
    {
        var threads = torch.get_num_threads();

        var first = TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads });
        var again = TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads });
        var unset = TorchRuntime.Configure(new TorchRuntimeOptions());

        Assert.Equal(threads, first.Threads);
        Assert.Equal(first, again);
        Assert.Equal(first, unset);
        Assert.Equal(threads, torch.get_num_threads());
        var conflict = Assert.Throws<InvalidOperationException>(() => TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads + 1 }));
        Assert.Contains("Threads", conflict.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.Configure(new TorchRuntimeOptions { Threads = 0 }));
    }

    [Fact]
    public void Retaining_freed_memory_is_applied_once_and_cannot_be_taken_back()
    {
        var first = TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = true });
        var again = TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = true });

        Assert.True(first.RetainFreedMemory);
        Assert.Equal(first, again);
        var conflict = Assert.Throws<InvalidOperationException>(() => TorchRuntime.Configure(new TorchRuntimeOptions { RetainFreedMemory = false }));
        Assert.Contains("RetainFreedMemory", conflict.Message, StringComparison.Ordinal);

        // glibc takes both settings (this project's machines are Linux with glibc); elsewhere there is nothing to set.
        Assert.Equal(OperatingSystem.IsLinux(), ContinualSegment.Model.Pipeline.NativeHeap.RetainFreed());

        // Large tensors still come and go correctly from the heap that keeps them (24 MB each, under the 32 MB threshold).
        for (var i = 0; i < 4; i++)
        {
            using var scope = NewDisposeScope();
            Assert.Equal(3 * 1024 * 2048, torch.ones(3, 1024, 2048).sum().item<float>());
        }
    }

    [Fact]
    public void Small_3d_conv_net_trains_on_cpu()
    {
        torch.manual_seed(7);
        using var scope = torch.NewDisposeScope();
        using var net = nn.Sequential(
            ("conv1", nn.Conv3d(1, 4, 3, padding: 1)),
            ("norm1", nn.InstanceNorm3d(4, affine: true)),
            ("act1", nn.LeakyReLU(0.01)),
            ("down", nn.Conv3d(4, 8, 3, stride: 2, padding: 1)),
            ("act2", nn.LeakyReLU(0.01)),
            ("up", nn.ConvTranspose3d(8, 4, 2, stride: 2)),
            ("head", nn.Conv3d(4, 2, 1)));
        using var optimizer = torch.optim.Adam(net.parameters(), lr: 0.01);

        // A bright cube in a dark volume: the net must learn to label the cube.
        var image = torch.zeros(new long[] { 2, 1, 16, 16, 16 });
        image[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(4, 12), TensorIndex.Slice(4, 12), TensorIndex.Slice(4, 12)] = torch.tensor(1f);
        image = image.Plus(torch.randn(new long[] { 2, 1, 16, 16, 16 }).Times(0.1));
        var target = torch.zeros(new long[] { 2, 16, 16, 16 }, ScalarType.Int64);
        target[TensorIndex.Colon, TensorIndex.Slice(4, 12), TensorIndex.Slice(4, 12), TensorIndex.Slice(4, 12)] = torch.tensor(1L);

        var losses = new List<float>();
        for (var step = 0; step < 8; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var logits = net.forward(image);
            Assert.Equal(new long[] { 2, 2, 16, 16, 16 }, logits.shape);
            var loss = nn.functional.cross_entropy(logits, target);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        foreach (var p in net.parameters())
        {
            Assert.NotNull(p.grad);
        }

        Assert.True(losses[^1] < losses[0] * 0.8f, $"loss did not decrease: {string.Join(", ", losses)}");
    }
}
