using System.Text.Json;
using ContinualSegment.Imaging;

namespace ContinualSegment.Cli.Tests;

/// <summary>
/// <c>cseg evaluate</c> on our DICOM-SEG objects: a phantom case's labels (with a liver tumour nested in the liver)
/// written by <c>cseg results write</c> and scored against the NIfTI truth, by case name and by referenced series,
/// as prediction and as truth, always agreeing with the NIfTI-vs-NIfTI path.
/// </summary>
public sealed class EvaluateSegTests : IDisposable
{
    private const string Case = "wholebody_0000";
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-evalseg-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Seg_predictions_score_like_their_label_maps_with_the_lesion_winning_inside_its_organ()
    {
        var catalogue = StructureCatalogue.LoadDefault();
        var data = Path.Combine(dir.FullName, "data");
        var (code, _, error) = await CsegRunner.RunAsync("phantom", "--out", data, "--task", "wholebody", "--cases", "1", "--seed", "11", "--size", "48", "--slice-spacing", "8", "--dicom");
        Assert.True(code == 0, error);
        var series = Path.Combine(data, "dicom", Case);

        // Truth: the phantom's labels (wholebody labels are catalogue indices) plus a liver tumour inside the liver.
        var truth = await NiftiReader.ReadLabelsAsync(Path.Combine(data, "labelsTr", Case + ".nii.gz"), CancellationToken.None);
        var liver = (ushort)catalogue["liver"].GlobalIndex;
        var tumour = (ushort)catalogue["liver_tumor"].GlobalIndex;
        Assert.Contains("liver", catalogue["liver_tumor"].Hosts);
        var liverVoxels = Enumerable.Range(0, truth.Data.Length).Where(i => truth.Data[i] == liver).ToList();
        Assert.True(liverVoxels.Count > 50, $"liver has {liverVoxels.Count} voxels");
        foreach (var i in liverVoxels.Skip(liverVoxels.Count / 3).Take(liverVoxels.Count / 4))
        {
            truth.Data[i] = tumour;
        }

        var truthDir = Directory.CreateDirectory(Path.Combine(dir.FullName, "truth")).FullName;
        await NiftiWriter.WriteAsync(truth, Path.Combine(truthDir, Case + ".nii.gz"), CancellationToken.None);

        // The truth as SEG, evaluated against itself: Dice 1 everywhere, tumour and liver included.
        var truthSeg = await WriteSegAsync(series, Path.Combine(truthDir, Case + ".nii.gz"), "truth-seg");
        var self = await EvaluateAsync(truthSeg, truthDir);
        Assert.Equal(catalogue.Structures.Count, self.Count);
        Assert.All(self, s => Assert.True(s.Dice == 1.0, $"{s.Name}: Dice {s.Dice}"));
        Assert.True(self.Single(s => s.Name == "liver_tumor").TruthVoxels > 0);
        // The liver is scored with the tumour inside it (organ ∪ lesion), as the SEG's liver segment holds it.
        Assert.Equal(liverVoxels.Count, self.Single(s => s.Name == "liver").TruthVoxels);
        Assert.Equal(Structures(await EvaluateAsync(truthDir, truthDir)), Structures(self));

        // A damaged prediction: the liver loses every slice but its first, the tumour grows by the voxels next to it.
        var damaged = new Volume<ushort>(truth.SizeX, truth.SizeY, truth.SizeZ, truth.Geometry, (ushort[])truth.Data.Clone());
        var slice = truth.SizeX * truth.SizeY;
        var firstLiverSlice = liverVoxels[0] / slice;
        for (var i = (firstLiverSlice + 1) * slice; i < damaged.Data.Length; i++)
        {
            if (damaged.Data[i] == liver)
            {
                damaged.Data[i] = 0;
            }
        }

        var predNifti = Directory.CreateDirectory(Path.Combine(dir.FullName, "pred-nifti")).FullName;
        await NiftiWriter.WriteAsync(damaged, Path.Combine(predNifti, Case + ".nii.gz"), CancellationToken.None);
        var predSeg = await WriteSegAsync(series, Path.Combine(predNifti, Case + ".nii.gz"), "pred-seg");

        var byNifti = await EvaluateAsync(predNifti, truthDir);
        var bySeg = await EvaluateAsync(predSeg, truthDir);
        Assert.True(byNifti.Single(s => s.Name == "liver").Dice < 1.0);
        Assert.True(bySeg.Single(s => s.Name == "liver").Dice < 1.0);
        Assert.Equal(Structures(byNifti), Structures(bySeg));

        // Matched by referenced series instead of name: the SEG under an unrelated file name, with the series directory.
        var predByUid = Directory.CreateDirectory(Path.Combine(dir.FullName, "pred-uid")).FullName;
        File.Copy(Path.Combine(predSeg, Case, "seg.dcm"), Path.Combine(predByUid, "1.2.3.4.dcm"));
        var bySeries = await EvaluateAsync(predByUid, truthDir, "--series", Path.Combine(data, "dicom"));
        Assert.Equal(Structures(byNifti), Structures(bySeries));

        // The SEG as truth, the NIfTI as prediction.
        var truthAsSeg = Directory.CreateDirectory(Path.Combine(dir.FullName, "truth-as-seg")).FullName;
        File.Copy(Path.Combine(truthSeg, Case, "seg.dcm"), Path.Combine(truthAsSeg, Case + ".dcm"));
        Assert.Equal(Structures(byNifti), Structures(await EvaluateAsync(predNifti, truthAsSeg)));

        // Without the series it cannot be matched.
        var (failCode, _, failError) = await CsegRunner.RunAsync("evaluate", "--pred", predByUid, "--truth", truthDir);
        Assert.NotEqual(0, failCode);
        Assert.Contains("No prediction", failError, StringComparison.Ordinal);
    }

    private static string Structures(IReadOnlyList<Score> scores) => string.Join('\n', scores.Select(static s => s.Json));

    private async Task<string> WriteSegAsync(string series, string labels, string name)
    {
        var root = Path.Combine(dir.FullName, name);
        var (code, output, error) = await CsegRunner.RunAsync("results", "write", "--series", series, "--labels", labels, "--out", Path.Combine(root, Case));
        Assert.True(code == 0, error);
        Assert.DoesNotContain("resampled", output, StringComparison.Ordinal);
        return root;
    }

    private async Task<IReadOnlyList<Score>> EvaluateAsync(string pred, string truth, params string[] more)
    {
        var json = Path.Combine(dir.FullName, $"eval-{Guid.NewGuid():N}.json");
        var (code, _, error) = await CsegRunner.RunAsync(["evaluate", "--pred", pred, "--truth", truth, "--json", json, .. more]);
        Assert.True(code == 0, error);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return [.. report.RootElement.GetProperty("structures").EnumerateArray().Select(static s => new Score(
            s.GetProperty("name").GetString()!,
            s.GetProperty("dice").GetDouble(),
            s.GetProperty("truth_voxels").GetInt64(),
            s.GetRawText()))];
    }

    private sealed record Score(string Name, double Dice, long TruthVoxels, string Json);
}
