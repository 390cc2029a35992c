using ContinualSegment.Model.Plans;

namespace ContinualSegment.Cli.Tests;

/// <summary>A tiny model trained on a small chest phantom, shared by the segment tests.</summary>
public sealed class SegmentModelFixture : IDisposable
{
    public SegmentModelFixture()
    {
        Root = Directory.CreateTempSubdirectory("cseg-segfx-").FullName;
        Dataset = Path.Combine(Root, "chest");
        Model = Path.Combine(Root, "model");
        var planPath = Path.Combine(Root, "plan.json");
        ModelPlanSerializer.Save(TrainBodyPartCommandTests.TinyPlan(), planPath);
        Run("phantom", "--out", Dataset, "--task", "chest", "--cases", "2", "--seed", "9", "--size", "48", "--slice-spacing", "8", "--dicom");
        Run("train", "base", "--dataset", Dataset, "--out", Model, "--plan", planPath, "--epochs", "2", "--iterations", "4", "--val-fraction", "0.5", "--decoder-id", "chest", "--fg-fraction", "0.9", "--optimizer", "adamw", "--lr", "0.01", "--seed", "2");
        Run("train", "bodypart", "--model", Model, "--dataset", Dataset, "--epochs", "1", "--steps-per-epoch", "4");
        SeriesDirectory = Directory.GetDirectories(Path.Combine(Dataset, "dicom")).Order(StringComparer.Ordinal).First();
        NiftiImage = Directory.GetFiles(Path.Combine(Dataset, "imagesTr"), "*.nii.gz").Order(StringComparer.Ordinal).First();
    }

    public string Root { get; }

    public string Dataset { get; }

    public string Model { get; }

    public string SeriesDirectory { get; }

    public string NiftiImage { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static void Run(params string[] args)
    {
        var (code, output, error) = CsegRunner.RunAsync(args).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"cseg {string.Join(' ', args)} failed ({code}): {error} {output}");
        }
    }
}
