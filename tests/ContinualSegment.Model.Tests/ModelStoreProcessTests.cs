using System.Diagnostics;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

public sealed class ModelStoreProcessTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-proc-");

    public void Dispose() => dir.Delete(true);

    [Fact]
    public async Task Saved_model_gives_identical_outputs_in_a_new_process()
    {
        torch.manual_seed(51);
        var plan = TinyPlans.Plan(TinyPlans.Decoder("wholebody", "wholebody", ["spleen", "liver"]), TinyPlans.Decoder("chest", "chest", ["pericardium"]));
        var voxels = new float[16 * 16 * 16];
        var random = new Random(3);
        for (var i = 0; i < voxels.Length; i++)
        {
            voxels[i] = (float)((random.NextDouble() * 2) - 1);
        }

        byte[] expected;
        using (var bank = new DecoderBank(plan))
        {
            bank.eval();
            ModelStore.Save(bank, plan, Path.Combine(dir.FullName, "model"));
            using var input = tensor(voxels, new long[] { 1, 1, 16, 16, 16 });
            expected = ModelStoreTests.Outputs(bank, input);
        }

        var inputPath = Path.Combine(dir.FullName, "input.f32");
        var raw = new byte[voxels.Length * sizeof(float)];
        Buffer.BlockCopy(voxels, 0, raw, 0, raw.Length);
        await File.WriteAllBytesAsync(inputPath, raw);
        var outputPath = Path.Combine(dir.FullName, "output.bin");

        var (code, stderr) = await RunLoaderAsync(Path.Combine(dir.FullName, "model"), inputPath, "16", "16", "16", outputPath);

        Assert.True(code == 0, $"loader exit code {code}: {stderr}");
        Assert.Equal(expected, await File.ReadAllBytesAsync(outputPath));
    }

    private static async Task<(int Code, string Stderr)> RunLoaderAsync(params string[] args)
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var testsRoot = testDir.Parent!.Parent!.Parent!.Parent!.FullName;
        var loader = Path.Combine(testsRoot, "ContinualSegment.Model.Tests.Loader", "bin", configuration, framework, "ContinualSegment.Model.Tests.Loader.dll");
        Assert.True(File.Exists(loader), $"loader not built: {loader}");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(loader);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        _ = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr);
    }
}
