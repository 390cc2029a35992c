using ContinualSegment.Imaging.Evaluation;

namespace ContinualSegment.Imaging.Tests.Evaluation;

public class DirectoryEvaluatorTests
{
    [Fact]
    public async Task Matching_files_are_scored_per_structure_and_per_task()
    {
        using var dir = new TempDirectory();
        string truthDir = Path.Combine(dir.Path, "truth"), predDir = Path.Combine(dir.Path, "pred");
        Directory.CreateDirectory(truthDir);
        Directory.CreateDirectory(predDir);
        var g = Affine3D.Axial(Vec3.Zero, new Vec3(1, 1, 1));
        var truth = new Volume<byte>(10, 10, 10, g);
        var pred = new Volume<byte>(10, 10, 10, g);
        for (int z = 2; z < 6; z++)
        {
            for (int y = 2; y < 6; y++)
            {
                for (int x = 2; x < 6; x++)
                {
                    truth[x, y, z] = 1;
                    pred[x, y, z] = x < 4 ? (byte)1 : (byte)3;
                }
            }
        }

        await NiftiWriter.WriteAsync(truth, Path.Combine(truthDir, "case1.nii.gz"), default);
        await NiftiWriter.WriteAsync(pred, Path.Combine(predDir, "case1.nii.gz"), default);
        var cat = StructureCatalogue.LoadDefault();
        EvaluationReport r = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, "pathology", default);
        Assert.Equal(3, r.Scores.Count);
        StructureScore liverTumour = r.Scores.Single(s => s.Name == "liver_tumor");
        Assert.Equal("case1", liverTumour.Case);
        Assert.Equal(2.0 * 32 / (64 + 32), liverTumour.Scores.Dice, 12);
        Assert.Equal(0.0, r.Scores.Single(s => s.Name == "esophageal_tumor").Scores.Dice);
        Assert.Equal(1.0, r.Scores.Single(s => s.Name == "lung_tumor").Scores.Dice);
        Assert.Equal("pathology", Assert.Single(r.Tasks).Task);

        EvaluationReport merged = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, null, default);
        Assert.Equal(143, merged.Scores.Count);
        Assert.Equal(4, merged.Tasks.Count);
        Assert.Equal("spleen", merged.Scores.First(s => s.Label == 1).Name);

        File.Delete(Path.Combine(predDir, "case1.nii.gz"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, "pathology", default));
    }

    [Fact]
    public async Task A_dataset_s_classes_are_scored_alone_each_organ_with_the_lesions_inside_it()
    {
        using var dir = new TempDirectory();
        string truthDir = Path.Combine(dir.Path, "truth"), predDir = Path.Combine(dir.Path, "pred");
        Directory.CreateDirectory(truthDir);
        Directory.CreateDirectory(predDir);
        var g = Affine3D.Axial(Vec3.Zero, new Vec3(1, 1, 1));
        var truth = new Volume<byte>(12, 12, 12, g);
        var pred = new Volume<byte>(12, 12, 12, g);
        for (int z = 2; z < 10; z++)
        {
            for (int y = 2; y < 10; y++)
            {
                for (int x = 2; x < 10; x++)
                {
                    bool tumour = x is >= 4 and < 6 && y is >= 4 and < 6 && z is >= 4 and < 6;
                    truth[x, y, z] = tumour ? (byte)1 : (byte)2; // 1 liver_tumor inside 2 liver
                    pred[x, y, z] = 2; // the organ with its lesion, the lesion itself missed
                }
            }
        }

        await NiftiWriter.WriteAsync(truth, Path.Combine(truthDir, "case1.nii.gz"), default);
        await NiftiWriter.WriteAsync(pred, Path.Combine(predDir, "case1.nii.gz"), default);
        var cat = StructureCatalogue.LoadDefault();
        string[] classes = ["liver_tumor", "liver"];
        EvaluationReport r = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, null, default, classes: classes);
        Assert.Equal(["liver", "liver_tumor"], r.Scores.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1.0, r.Scores.Single(s => s.Name == "liver").Scores.Dice, 12);
        Assert.Equal(0.0, r.Scores.Single(s => s.Name == "liver_tumor").Scores.Dice);
        Assert.Equal(cat["liver"].GlobalIndex, r.Scores.Single(s => s.Name == "liver").Label);

        // The same maps in catalogue indices: the organ is scored with its lesion there too.
        var globalTruth = new Volume<ushort>(12, 12, 12, g, [.. truth.Data.Select(v => (ushort)(v == 0 ? 0 : cat[classes[v - 1]].GlobalIndex))]);
        var globalPred = new Volume<ushort>(12, 12, 12, g, [.. pred.Data.Select(v => (ushort)(v == 0 ? 0 : cat[classes[v - 1]].GlobalIndex))]);
        IReadOnlyList<StructureScore> merged = SegmentationEvaluator.EvaluateMerged("case1", globalTruth, globalPred, cat);
        Assert.Equal(1.0, merged.Single(s => s.Name == "liver").Scores.Dice, 12);

        // Without the lesion the organ loses it: 8 of 512 voxels.
        for (int i = 0; i < truth.Data.Length; i++)
        {
            pred.Data[i] = truth.Data[i] == 2 ? (byte)2 : (byte)0;
        }

        await NiftiWriter.WriteAsync(pred, Path.Combine(predDir, "case1.nii.gz"), default);
        r = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, null, default, classes: classes);
        Assert.Equal(2.0 * 504 / (512 + 504), r.Scores.Single(s => s.Name == "liver").Scores.Dice, 12);

        await Assert.ThrowsAsync<ArgumentException>(() => DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, "pathology", default, classes: classes));
        await Assert.ThrowsAsync<ArgumentException>(() => DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, null, default, classes: ["liver", "kneecap"]));
        InvalidDataException outside = await Assert.ThrowsAsync<InvalidDataException>(() => DirectoryEvaluator.EvaluateAsync(predDir, truthDir, cat, null, default, classes: ["liver"]));
        Assert.Contains("label value 2", outside.Message, StringComparison.Ordinal);
    }
}
