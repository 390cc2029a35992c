using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using TorchSharp;

namespace ContinualSegment.Cli.Tests;

public sealed class TrainBodyPartCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-bpcmd-");

    public void Dispose() => dir.Delete(recursive: true);

    internal static ModelPlan TinyPlan(params DecoderPlan[] decoders) => new()
    {
        TargetSpacing = [8.0, 8.0, 8.0],
        PatchSize = [16, 32, 32],
        Normalization = new IntensityNormalization { Scheme = NormalizationScheme.CT, ClipLower = -1000, ClipUpper = 1000, Mean = -300, Std = 400 },
        Encoder = new EncoderPlan
        {
            Stages =
            [
                new EncoderStagePlan { Width = 4, KernelSize = [1, 3, 3], Stride = [1, 1, 1] },
                new EncoderStagePlan { Width = 8, KernelSize = [3, 3, 3], Stride = [1, 2, 2] },
                new EncoderStagePlan { Width = 12, KernelSize = [3, 3, 3], Stride = [2, 2, 2] },
            ],
        },
        Decoders = decoders,
    };

    internal static DecoderPlan Decoder(string id, string task, params string[] classes) => new()
    {
        Id = id,
        Task = task,
        Classes = classes,
        Genotype = DecoderGenotype.Full(3),
        BodyPartRange = new BodyPartRange { Min = -7, Max = 7 },
    };

    [Fact]
    public async Task Training_writes_the_regressor_and_sets_the_range_of_the_decoders_whose_task_has_a_dataset()
    {
        var chest = Path.Combine(dir.FullName, "chest");
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", chest, "--task", "chest", "--cases", "2", "--seed", "5", "--size", "32", "--slice-spacing", "8")).ExitCode);
        var model = Path.Combine(dir.FullName, "model");
        torch.manual_seed(3);
        var plan = TinyPlan(Decoder("lungs", "chest", "spinal_cord", "main_bronchus_left"), Decoder("head", "headneck", "brainstem"));
        using (var bank = new DecoderBank(plan))
        {
            ModelStore.Save(bank, plan, model);
        }

        var encoderBefore = await File.ReadAllBytesAsync(Path.Combine(model, ModelStore.EncoderFileName));

        var (code, output, error) = await CsegRunner.RunAsync("train", "bodypart", "--model", model, "--dataset", chest, "--epochs", "2", "--steps-per-epoch", "3", "--seed", "4");

        Assert.True(code == 0, error + output);
        Assert.True(File.Exists(Path.Combine(model, ModelStore.BodyPartFileName)));
        Assert.Contains("decoder lungs: body-part range", output, StringComparison.Ordinal);
        Assert.Contains("decoder head: no dataset of its task given; range kept", output, StringComparison.Ordinal);
        var written = ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName));
        Assert.NotNull(written.BodyPart);
        Assert.Equal(8.0, written.BodyPart!.SliceSpacingMm);
        var lungs = written.FindDecoder("lungs")!.BodyPartRange;
        Assert.True(double.IsFinite(lungs.Min) && lungs.Min < lungs.Max, lungs.ToString());
        Assert.NotEqual(Decoder("x", "chest").BodyPartRange, lungs);
        Assert.Equal(Decoder("x", "headneck").BodyPartRange, written.FindDecoder("head")!.BodyPartRange);
        Assert.Equal(encoderBefore, await File.ReadAllBytesAsync(Path.Combine(model, ModelStore.EncoderFileName)));
        using var regressor = ModelStore.TryLoadBodyPart(model, written);
        Assert.NotNull(regressor);
        using var loaded = ModelStore.Load(model);
        Assert.Equal(2, loaded.Bank.DecoderIds.Count);
        Assert.Equal(500, written.BodyPart.FieldOfViewMm);

        // The evaluation prints ρ and one row per held-out scan with each decoder's share of slices, and writes JSON.
        var json = Path.Combine(dir.FullName, "bodypart.json");
        (code, output, error) = await CsegRunner.RunAsync("bodypart", "evaluate", "--model", model, "--dataset", chest, "--json", json);
        Assert.True(code == 0, error + output);
        Assert.Contains("Spearman rho (score vs world z): all slices ", output, StringComparison.Ordinal);
        Assert.Contains("| chest | chest_0000 |", output, StringComparison.Ordinal);
        Assert.Contains("| chest | chest_0001 |", output, StringComparison.Ordinal);
        Assert.Contains("| lungs | head |", output, StringComparison.Ordinal);
        var evaluation = await File.ReadAllTextAsync(json);
        Assert.Contains("\"pooledSpearman\"", evaluation, StringComparison.Ordinal);
        Assert.Contains("\"caseId\": \"chest_0001\"", evaluation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recipe_and_the_slice_window_are_options_and_bad_values_are_refused()
    {
        var chest = Path.Combine(dir.FullName, "chest");
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", chest, "--task", "chest", "--cases", "1", "--seed", "6", "--size", "32", "--slice-spacing", "8")).ExitCode);
        var model = Path.Combine(dir.FullName, "model");
        torch.manual_seed(3);
        var plan = TinyPlan(Decoder("lungs", "chest", "spinal_cord"));
        using (var bank = new DecoderBank(plan))
        {
            ModelStore.Save(bank, plan, model);
        }

        var (code, output, error) = await CsegRunner.RunAsync(
            "train", "bodypart", "--model", model, "--dataset", chest, "--epochs", "1", "--steps-per-epoch", "2",
            "--field-of-view", "0", "--width", "4", "--lr", "0.001", "--volumes-per-step", "2", "--slices-per-volume", "4", "--max-gap", "2", "--max-zoom", "1", "--distance-weight", "0.5");
        Assert.True(code == 0, error + output);
        var written = ModelPlanSerializer.Load(Path.Combine(model, ModelStore.PlanFileName));
        Assert.Null(written.BodyPart!.FieldOfViewMm);
        Assert.Equal(4, written.BodyPart.Width);

        (code, _, error) = await CsegRunner.RunAsync("train", "bodypart", "--model", model, "--dataset", chest, "--field-of-view", "20");
        Assert.Equal(1, code);
        Assert.Contains("FieldOfViewMm", error, StringComparison.Ordinal);
        (code, _, error) = await CsegRunner.RunAsync("train", "bodypart", "--model", model, "--dataset", chest, "--slices-per-volume", "2");
        Assert.Equal(1, code);
        Assert.Contains("SlicesPerVolume", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluating_a_model_without_a_regressor_is_refused_with_one_line()
    {
        var model = Path.Combine(dir.FullName, "model");
        torch.manual_seed(3);
        var plan = TinyPlan(Decoder("lungs", "chest", "spinal_cord"));
        using (var bank = new DecoderBank(plan))
        {
            ModelStore.Save(bank, plan, model);
        }

        var (code, _, error) = await CsegRunner.RunAsync("bodypart", "evaluate", "--model", model, "--dataset", dir.FullName);

        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no body-part regressor", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_without_a_plan_is_refused_with_one_line()
    {
        var (code, _, error) = await CsegRunner.RunAsync("train", "bodypart", "--model", dir.FullName, "--dataset", dir.FullName);

        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("plan.json", error, StringComparison.Ordinal);
    }
}
