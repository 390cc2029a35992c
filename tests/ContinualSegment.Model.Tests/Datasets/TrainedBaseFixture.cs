using ContinualSegment.Imaging;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using ContinualSegment.Phantom;

namespace ContinualSegment.Model.Tests.Datasets;

/// <summary>
/// Two tiny phantom nnU-Net datasets (chest, head and neck; 32 px in-plane, 8 mm slices) and a base model (decoder "chest")
/// trained once on the chest data, shared by a test class; <see cref="CopyBase"/> gives each test its own copy to change.
/// </summary>
public sealed class TrainedBaseFixture : IDisposable
{
    public TrainedBaseFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "cseg-modes-" + Guid.NewGuid().ToString("N"));
        ChestDir = Path.Combine(Root, "chest");
        HeadNeckDir = Path.Combine(Root, "headneck");
        BaseDir = Path.Combine(Root, "base");
        var catalogue = StructureCatalogue.LoadDefault();
        var writer = new PhantomDatasetWriter(catalogue);
        writer.WriteAsync(new PhantomDatasetOptions { Task = "chest", Cases = 3, Seed = 4, OutputDirectory = ChestDir, Size = 32, SliceSpacingMm = 8, MaxParallelCases = 1 }, CancellationToken.None).GetAwaiter().GetResult();
        writer.WriteAsync(new PhantomDatasetOptions { Task = "headneck", Cases = 3, Seed = 5, OutputDirectory = HeadNeckDir, Size = 32, SliceSpacingMm = 8, MaxParallelCases = 1 }, CancellationToken.None).GetAwaiter().GetResult();
        var options = Options(epochs: 3, iterations: 4);
        options.DecoderId = "chest";
        BasePlan = TrainingRunner.TrainBaseAsync(ChestDir, TinyPlans.Plan() with { Decoders = [], TargetSpacing = [8.0, 15.0, 15.0], PatchSize = [8, 16, 16] }, BaseDir, options, null, CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    public string Root { get; }

    public string ChestDir { get; }

    public string HeadNeckDir { get; }

    /// <summary>The base model; tests copy it rather than change it.</summary>
    public string BaseDir { get; }

    public ModelPlan BasePlan { get; }

    /// <summary>Small, seeded run options (AdamW, two patches a step, a third of the cases held out).</summary>
    public static TrainingRunOptions Options(int epochs, int iterations, ContinualTrainingMode mode = ContinualTrainingMode.Continual, string? checkpoint = null, bool resume = false) => new()
    {
        Training = new TrainingOptions { Epochs = epochs, BatchSize = 2, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0, Seed = 3 },
        IterationsPerEpoch = iterations,
        ValidationFraction = 0.34,
        ValidationPatchesPerCase = 1,
        ForegroundFraction = 0.5,
        CheckpointDirectory = checkpoint,
        Resume = resume,
        Mode = mode,
    };

    /// <summary>A fresh copy of the base model.</summary>
    public string CopyBase(string name)
    {
        var target = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(BaseDir, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(BaseDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
