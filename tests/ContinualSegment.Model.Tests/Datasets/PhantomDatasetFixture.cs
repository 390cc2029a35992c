using ContinualSegment.Imaging;
using ContinualSegment.Phantom;

namespace ContinualSegment.Model.Tests.Datasets;

/// <summary>A tiny phantom nnU-Net dataset (chest task, 32 px in-plane, 8 mm slices) shared by a test class.</summary>
public sealed class PhantomDatasetFixture : IDisposable
{
    public PhantomDatasetFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "cseg-train-" + Guid.NewGuid().ToString("N"));
        DatasetDir = Path.Combine(Root, "dataset");
        Catalogue = StructureCatalogue.LoadDefault();
        CaseIds = new PhantomDatasetWriter(Catalogue).WriteAsync(
            new PhantomDatasetOptions { Task = "chest", Cases = 3, Seed = 4, OutputDirectory = DatasetDir, Size = 32, SliceSpacingMm = 8, MaxParallelCases = 1 },
            CancellationToken.None).GetAwaiter().GetResult();
    }

    public string Root { get; }

    public string DatasetDir { get; }

    public StructureCatalogue Catalogue { get; }

    public IReadOnlyList<string> CaseIds { get; }

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
