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
}
