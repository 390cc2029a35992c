using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.Segmentation;

namespace ContinualSegment.Phantom.Tests;

/// <summary>Result objects for a phantom series, checked by plastimatch and dciodvfy.</summary>
public sealed class PhantomResultsInteropTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cseg-phantom-results-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Plastimatch_rasterises_our_rtstruct_to_our_labels_and_dciodvfy_accepts_both_objects()
    {
        var catalogue = StructureCatalogue.LoadDefault();
        await new PhantomDatasetWriter(catalogue, new PhantomDicomSink()).WriteAsync(
            new PhantomDatasetOptions { Task = "chest", Cases = 1, Seed = 8, OutputDirectory = _root, Size = 96, SliceSpacingMm = 3, Dicom = true }, default);
        var series = Path.Combine(_root, PhantomDicomSink.FolderName, "chest_0000");
        var labelsPath = Path.Combine(_root, "labelsTr", "chest_0000.nii.gz");

        var result = await ResultsWriter.WriteAsync(
            new ResultsRequest(series, labelsPath, Path.Combine(_root, "results"), null, new SegmentAlgorithm("ContinualSegment", "test")), catalogue, default);

        Assert.Equal("chest", result.Task);
        Assert.False(result.Resampled);
        foreach (var path in new[] { result.SegmentationPath, result.StructureSetPath })
        {
            var (_, report) = PeerTool.Run("dciodvfy", path);
            var errors = report.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, $"{Path.GetFileName(path)}: {string.Join('\n', errors)}");
        }

        var masks = Path.Combine(_root, "plastimatch");
        var (code, output) = PeerTool.Run("plastimatch", "convert", "--input", result.StructureSetPath, "--referenced-ct", series, "--output-prefix", masks, "--prefix-format", "nii.gz");
        Assert.True(code == 0, output);
        var labels = await NiftiReader.ReadLabelsAsync(labelsPath, default);
        var voxelCm3 = labels.Geometry.Spacing.X * labels.Geometry.Spacing.Y * labels.Geometry.Spacing.Z / 1000.0;
        var checkedStructures = 0;
        foreach (var structure in catalogue.ForTask("chest"))
        {
            var truthCount = labels.Data.Count(v => v == structure.TaskLabel);
            if (truthCount * voxelCm3 <= 5)
            {
                continue;
            }

            var roiName = structure.Tg263Name is { Length: > 0 } tg263 ? tg263 : structure.Name;
            var mask = await NiftiReader.ReadLabelsAsync(Path.Combine(masks, roiName + ".nii.gz"), default);
            var dice = Dice(labels, structure.TaskLabel, mask);
            Assert.True(dice >= 0.97, $"{structure.Name}: Dice {dice:0.0000} between plastimatch's rasterisation and our label map");
            checkedStructures++;
        }

        Assert.True(checkedStructures >= 8, $"only {checkedStructures} structures above 5 cm³");
    }

    // plastimatch writes its masks on the referenced CT grid; compare voxel centres through patient coordinates.
    private static double Dice(Volume<ushort> truth, int label, Volume<ushort> mask)
    {
        long both = 0, a = 0, b = 0;
        for (var k = 0; k < mask.SizeZ; k++)
        {
            for (var j = 0; j < mask.SizeY; j++)
            {
                for (var i = 0; i < mask.SizeX; i++)
                {
                    var index = truth.Geometry.WorldToIndex(mask.Geometry.IndexToWorld(i, j, k));
                    var (ti, tj, tk) = ((int)Math.Round(index.X), (int)Math.Round(index.Y), (int)Math.Round(index.Z));
                    var inTruth = ti >= 0 && tj >= 0 && tk >= 0 && ti < truth.SizeX && tj < truth.SizeY && tk < truth.SizeZ && truth[ti, tj, tk] == label;
                    var inMask = mask[i, j, k] != 0;
                    both += inTruth && inMask ? 1 : 0;
                    a += inTruth ? 1 : 0;
                    b += inMask ? 1 : 0;
                }
            }
        }

        return 2.0 * both / (a + b);
    }
}
