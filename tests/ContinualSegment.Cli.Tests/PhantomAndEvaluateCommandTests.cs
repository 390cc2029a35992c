using System.Text.Json;
using ContinualSegment.Imaging;

namespace ContinualSegment.Cli.Tests;

public sealed class PhantomAndEvaluateCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-cli-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Phantom_writes_a_dataset_and_evaluate_scores_it_against_itself_and_a_damaged_copy()
    {
        var data = Path.Combine(dir.FullName, "data");
        var (code, output, error) = await CsegRunner.RunAsync("phantom", "--out", data, "--task", "headneck", "--cases", "1", "--seed", "5", "--size", "48", "--slice-spacing", "6", "--preview");

        Assert.True(code == 0, error);
        Assert.Contains("wrote 1 case(s)", output, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "dataset.json"))))
        {
            Assert.Equal(21, json.RootElement.GetProperty("labels").EnumerateObject().Count()); // background + 20
        }

        var png = await File.ReadAllBytesAsync(Path.Combine(data, "previews", "headneck_0000.png"));
        Assert.Equal(0x89, png[0]);

        var truth = Path.Combine(data, "labelsTr");
        (code, output, error) = await CsegRunner.RunAsync("evaluate", "--pred", truth, "--truth", truth, "--task", "headneck", "--json", Path.Combine(dir.FullName, "self.json"));
        Assert.True(code == 0, error);
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.FullName, "self.json"))))
        {
            var dices = report.RootElement.GetProperty("structures").EnumerateArray().Select(s => s.GetProperty("dice").GetDouble()).ToList();
            Assert.NotEmpty(dices);
            Assert.All(dices, d => Assert.Equal(1.0, d, 12));
        }

        Assert.True(File.Exists(Path.Combine(dir.FullName, "self.md")));

        // A prediction that lost the upper half of one structure scores below 1 there, and 1 elsewhere.
        var labels = await NiftiReader.ReadLabelsAsync(Path.Combine(truth, "headneck_0000.nii.gz"), CancellationToken.None);
        var damagedLabel = labels.Data.First(v => v != 0);
        var firstSlice = Enumerable.Range(0, labels.SizeZ).First(z => Enumerable.Range(0, labels.SizeX * labels.SizeY).Any(p => labels.Data[(z * labels.SizeX * labels.SizeY) + p] == damagedLabel));
        for (var i = (firstSlice + 1) * labels.SizeX * labels.SizeY; i < labels.Data.Length; i++)
        {
            if (labels.Data[i] == damagedLabel)
            {
                labels.Data[i] = 0;
            }
        }

        var pred = Directory.CreateDirectory(Path.Combine(dir.FullName, "pred")).FullName;
        await NiftiWriter.WriteAsync(labels, Path.Combine(pred, "headneck_0000.nii.gz"), CancellationToken.None);
        (code, _, error) = await CsegRunner.RunAsync("evaluate", "--pred", pred, "--truth", truth, "--task", "headneck");
        Assert.True(code == 0, error);
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(pred, "evaluation.json"))))
        {
            var scores = report.RootElement.GetProperty("structures").EnumerateArray()
                .ToDictionary(s => s.GetProperty("label").GetInt32(), s => s.GetProperty("dice").GetDouble());
            Assert.InRange(scores[damagedLabel], 0.0, 0.99);
            Assert.All(scores.Where(kv => kv.Key != damagedLabel), kv => Assert.Equal(1.0, kv.Value, 12));
        }
    }

    [Fact]
    public async Task Evaluate_with_a_missing_directory_fails_with_one_line()
    {
        var (code, _, error) = await CsegRunner.RunAsync("evaluate", "--pred", "/nonexistent/a", "--truth", "/nonexistent/b");

        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Phantom_refuses_an_unknown_task_as_bad_usage()
    {
        var (code, _, error) = await CsegRunner.RunAsync("phantom", "--out", dir.FullName, "--task", "liver");

        Assert.Equal(2, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Host_organs_are_labelled_on_request_and_evaluate_scores_the_dataset_s_classes()
    {
        var data = Path.Combine(dir.FullName, "hosts");
        var (code, _, error) = await CsegRunner.RunAsync("phantom", "--out", data, "--task", "pathology", "--host-organs", "--cases", "1", "--seed", "5", "--size", "40", "--slice-spacing", "8", "--preview");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(data, "previews", "pathology_0000.png")));

        var truth = Path.Combine(data, "labelsTr");
        var json = Path.Combine(dir.FullName, "hosts.json");
        (code, _, error) = await CsegRunner.RunAsync("evaluate", "--pred", truth, "--truth", truth, "--labels", data, "--json", json);
        Assert.True(code == 0, error);
        using (var report = JsonDocument.Parse(await File.ReadAllTextAsync(json)))
        {
            var names = report.RootElement.GetProperty("structures").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
            Assert.Equal(10, names.Count);
            Assert.Contains("liver", names);
            Assert.Contains("lung_tumor", names);
        }

        (code, _, error) = await CsegRunner.RunAsync("evaluate", "--pred", truth, "--truth", truth, "--labels", data, "--task", "pathology");
        Assert.Equal(2, code);
        Assert.Contains("not both", error, StringComparison.Ordinal);

        (code, _, error) = await CsegRunner.RunAsync("phantom", "--out", Path.Combine(dir.FullName, "chest"), "--task", "chest", "--host-organs");
        Assert.Equal(2, code);
        Assert.Contains("--host-organs", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.FullName, "chest")));
    }
}
