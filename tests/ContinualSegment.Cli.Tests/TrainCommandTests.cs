namespace ContinualSegment.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-train-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Base_then_task_training_adds_a_decoder_and_leaves_the_encoder_file_unchanged()
    {
        var chest = Path.Combine(dir.FullName, "chest");
        var headneck = Path.Combine(dir.FullName, "headneck");
        var model = Path.Combine(dir.FullName, "model");
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", chest, "--task", "chest", "--cases", "2", "--seed", "3", "--size", "48", "--slice-spacing", "8")).ExitCode);
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", headneck, "--task", "headneck", "--cases", "2", "--seed", "4", "--size", "48", "--slice-spacing", "8")).ExitCode);

        var (code, output, error) = await CsegRunner.RunAsync("train", "base", "--dataset", chest, "--out", model, "--epochs", "1", "--iterations", "2", "--val-fraction", "0.5", "--decoder-id", "chest");
        Assert.True(code == 0, error);
        Assert.Contains("epoch 1/1", output, StringComparison.Ordinal);
        var encoder = await File.ReadAllBytesAsync(Path.Combine(model, "encoder.bin"));

        (code, output, error) = await CsegRunner.RunAsync("train", "task", "--model", model, "--dataset", headneck, "--decoder-id", "headneck", "--epochs", "1", "--iterations", "2", "--val-fraction", "0.5");
        Assert.True(code == 0, error);
        Assert.Contains("decoders chest, headneck", output, StringComparison.Ordinal);
        Assert.Equal(encoder, await File.ReadAllBytesAsync(Path.Combine(model, "encoder.bin")));

        // Trimming reports the decoder's size before and after; a dry run writes nothing.
        var planBefore = await File.ReadAllTextAsync(Path.Combine(model, "plan.json"));
        (code, output, error) = await CsegRunner.RunAsync("trim", "--model", model, "--decoder", "chest", "--dataset", chest, "--candidates", "2", "--search-steps", "2", "--steps", "2", "--patches-per-case", "1", "--val-fraction", "0.5", "--dry-run");
        Assert.True(code == 0, error);
        Assert.Matches(@"before: \d+ parameters", output);
        Assert.Matches(@"after: +\d+ parameters", output);
        Assert.Equal(planBefore, await File.ReadAllTextAsync(Path.Combine(model, "plan.json")));
    }

    [Fact]
    public async Task An_unknown_optimizer_is_refused_with_one_line()
    {
        var (code, _, error) = await CsegRunner.RunAsync("train", "base", "--dataset", dir.FullName, "--out", dir.FullName, "--optimizer", "lbfgs");

        Assert.Equal(1, code);
        Assert.Contains("--optimizer", error, StringComparison.Ordinal);
    }
}
