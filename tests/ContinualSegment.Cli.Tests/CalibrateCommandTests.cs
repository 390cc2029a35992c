using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContinualSegment.Imaging;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Cli.Tests;

/// <summary>
/// <c>cseg calibrate</c> on the segment tests' tiny model (trained with --val-fraction 0.5 --seed 2 on two chest phantoms,
/// so one validation case): the table, the JSON, <c>--write</c> into plan.json, and one-line failures.
/// </summary>
[Collection(SegmentModelCollection.Name)]
public sealed partial class CalibrateCommandTests(SegmentModelFixture fixture) : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-calibrate-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Calibrate_prints_the_table_writes_the_json_and_with_write_stores_the_temperature_in_plan_json()
    {
        var model = CopyModel("write");
        var json = Path.Combine(dir.FullName, "chest-calibration.json");

        var (code, output, error) = await CsegRunner.RunAsync(
            "calibrate", "--model", model, "--dataset", fixture.Dataset, "--decoder", "chest", "--val-fraction", "0.5", "--json", json, "--write", "--voxels-per-case", "5000");

        Assert.True(code == 0, error + output);
        Assert.Equal(string.Empty, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^decoder +T +NLL before +NLL after +ECE before +ECE after +voxels$", lines[0]);
        var row = TableRow().Match(lines[1]);
        Assert.True(row.Success, lines[1]);
        double Column(int i) => double.Parse(row.Groups[i].Value, CultureInfo.InvariantCulture);
        Assert.True(Column(3) <= Column(2), $"NLL after {Column(3)} is above NLL before {Column(2)}");

        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = result.RootElement;
        var temperature = root.GetProperty("temperature").GetDouble();
        Assert.Equal(Column(1), temperature, 4);
        Assert.Equal(root.GetProperty("voxels").GetInt32(), (int)Column(6));
        Assert.Equal(2, root.GetProperty("splitSeed").GetInt32()); // the seed the training record names
        var dataset = await NnUnetDataset.OpenAsync(fixture.Dataset, StructureCatalogue.LoadDefault(), CancellationToken.None);
        Assert.Equal(dataset.Split(0.5, 2).Validation.Select(c => c.Id), root.GetProperty("validationCases").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(temperature, ModelPlanSerializer.Load(Path.Combine(model, "plan.json")).FindDecoder("chest")!.Temperature);
        Assert.Matches(@"\nforeground \(\d+ voxels whose true or arg-max class is not background\): NLL \d+\.\d{4} -> \d+\.\d{4}, ECE", output);
        Assert.Contains("stored temperature", output, StringComparison.Ordinal);
        Assert.Matches(@"\nvalidation Dice \(whole volumes, arg-max\) of \d+ classes: mean \d\.\d{3}; lowest ", output);
        var dice = root.GetProperty("validationDice").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.NotEmpty(dice);
        Assert.All(dice.Values, d => Assert.InRange(d, 0, 1));
    }

    [Fact]
    public async Task Without_write_the_plan_stays_as_it_was()
    {
        var model = CopyModel("dry");
        var before = await File.ReadAllBytesAsync(Path.Combine(model, "plan.json"));

        var (code, output, error) = await CsegRunner.RunAsync("calibrate", "--model", model, "--dataset", fixture.Dataset, "--decoder", "chest", "--val-fraction", "0.5", "--voxels-per-case", "2000");

        Assert.True(code == 0, error + output);
        Assert.Contains("not stored (give --write", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(model, "plan.json")));
    }

    [Fact]
    public async Task Bad_input_fails_with_one_line_that_says_why()
    {
        var headneck = Path.Combine(dir.FullName, "headneck");
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", headneck, "--task", "headneck", "--cases", "2", "--seed", "3", "--size", "32", "--slice-spacing", "8")).ExitCode);
        var moreChest = Path.Combine(dir.FullName, "chest4");
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", moreChest, "--task", "chest", "--cases", "4", "--seed", "3", "--size", "32", "--slice-spacing", "8")).ExitCode);
        var empty = Directory.CreateDirectory(Path.Combine(dir.FullName, "empty")).FullName;

        await AssertFailsAsync(1, "no decoder 'liver'", "calibrate", "--model", fixture.Model, "--dataset", fixture.Dataset, "--decoder", "liver");
        await AssertFailsAsync(1, "do not match decoder 'chest'", "calibrate", "--model", fixture.Model, "--dataset", headneck, "--decoder", "chest");
        await AssertFailsAsync(1, "is not a model directory", "calibrate", "--model", empty, "--dataset", fixture.Dataset, "--decoder", "chest");
        await AssertFailsAsync(1, "voxels per case", "calibrate", "--model", fixture.Model, "--dataset", fixture.Dataset, "--decoder", "chest", "--voxels-per-case", "10");
        await AssertFailsAsync(1, "was trained on 1 case(s)", "calibrate", "--model", fixture.Model, "--dataset", moreChest, "--decoder", "chest", "--val-fraction", "0.5");
        await AssertFailsAsync(2, "--decoder", "calibrate", "--model", fixture.Model, "--dataset", fixture.Dataset);
    }

    [Fact]
    public async Task Write_is_refused_before_any_work_for_a_decoder_installed_from_a_package()
    {
        var trained = CopyModel("trained");
        var package = Path.Combine(dir.FullName, "chest.cseg-decoder.zip");
        var export = await CsegRunner.RunAsync("decoders", "export", "chest", "--model", trained, "--out", package);
        Assert.True(export.ExitCode == 0, export.Error);
        var installed = CopyModel("installed");
        var install = await CsegRunner.RunAsync("decoders", "install", package, "--model", installed, "--replace");
        Assert.True(install.ExitCode == 0, install.Error);
        var manifest = Path.Combine(installed, "decoders", "chest", "manifest.json");
        var before = await File.ReadAllBytesAsync(manifest);

        // A dataset that does not exist: the refusal must come before it is read.
        var (code, output, error) = await CsegRunner.RunAsync("calibrate", "--model", installed, "--dataset", Path.Combine(dir.FullName, "nowhere"), "--decoder", "chest", "--write");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("installed from a package", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(manifest));

        // Without --write it is calibrated (and says where the temperature belongs).
        (code, output, error) = await CsegRunner.RunAsync("calibrate", "--model", installed, "--dataset", fixture.Dataset, "--decoder", "chest", "--val-fraction", "0.5", "--voxels-per-case", "2000");
        Assert.True(code == 0, error + output);
        Assert.Contains("not stored (an installed package's manifest stays as published", output, StringComparison.Ordinal);
    }

    private static async Task AssertFailsAsync(int expectedCode, string expectedText, params string[] args)
    {
        var (code, output, error) = await CsegRunner.RunAsync(args);
        Assert.True(code == expectedCode, $"cseg {string.Join(' ', args)}: exit {code}, {error} {output}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cseg: ", line, StringComparison.Ordinal);
        Assert.Contains(expectedText, line, StringComparison.Ordinal);
    }

    private string CopyModel(string name)
    {
        var target = Path.Combine(dir.FullName, name);
        foreach (var file in Directory.EnumerateFiles(fixture.Model, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(fixture.Model, file);
            if (relative.StartsWith("checkpoint", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        return target;
    }

    [GeneratedRegex(@"^chest +(\d+\.\d{4}) +(\d+\.\d{4}) +(\d+\.\d{4}) +(\d+\.\d{4}) +(\d+\.\d{4}) +(\d+)$")]
    private static partial Regex TableRow();
}
