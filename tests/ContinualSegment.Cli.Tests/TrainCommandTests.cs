using ContinualSegment.Model.Persistence;

namespace ContinualSegment.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-train-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Base_then_task_training_adds_a_decoder_and_leaves_the_encoder_file_unchanged()
    {
        var chest = Path.Combine(dir.FullName, "chest");
        var headneck = Path.Combine(dir.FullName, "headneck");
        var model = Path.Combine(dir.FullName, "model");
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", chest, "--task", "chest", "--cases", "2", "--seed", "3", "--size", "48", "--slice-spacing", "8")).ExitCode);
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", headneck, "--task", "headneck", "--cases", "2", "--seed", "4", "--size", "48", "--slice-spacing", "8")).ExitCode);

        var checkpoint = Path.Combine(dir.FullName, "ckpt");
        var (code, output, error) = await CsegRunner.RunAsync("train", "base", "--dataset", chest, "--out", model, "--epochs", "2", "--iterations", "2", "--val-fraction", "0.5", "--decoder-id", "chest", "--checkpoint", checkpoint);
        Assert.True(code == 0, error);
        Assert.Contains("epoch 2/2", output, StringComparison.Ordinal);

        // The learning curve is kept beside the checkpoint: one row per epoch, and the picture has each validation point.
        var rows = (await File.ReadAllLinesAsync(Path.Combine(checkpoint, "learning-curve.csv"))).ToArray();
        Assert.Equal("epoch,training_loss,validation_dice,learning_rate", rows[0]);
        Assert.Equal(["1", "2"], rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.All(rows.Skip(1), r => Assert.InRange(double.Parse(r.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture), 0, 1));
        var svg = System.Xml.Linq.XDocument.Load(Path.Combine(checkpoint, "learning-curve.svg"));
        Assert.Equal(2, svg.Descendants().Count(e => (string?)e.Attribute("class") == "dice-point"));
        var encoder = await File.ReadAllBytesAsync(Path.Combine(model, "encoder.bin"));

        var curve = Path.Combine(dir.FullName, "curve");
        (code, output, error) = await CsegRunner.RunAsync("train", "task", "--model", model, "--dataset", headneck, "--decoder-id", "headneck", "--epochs", "1", "--iterations", "2", "--val-fraction", "0.5", "--curve", curve);
        Assert.True(code == 0, error);
        Assert.Equal(2, (await File.ReadAllLinesAsync(Path.Combine(curve, "learning-curve.csv"))).Length);
        Assert.Contains("cseg train task: headneck (continual)", await File.ReadAllTextAsync(Path.Combine(curve, "learning-curve.svg")), StringComparison.Ordinal);
        Assert.Contains("decoders chest, headneck", output, StringComparison.Ordinal);
        Assert.Equal(encoder, await File.ReadAllBytesAsync(Path.Combine(model, "encoder.bin")));

        // Trimming reports the decoder's size before and after; a dry run writes nothing.
        var planBefore = await File.ReadAllTextAsync(Path.Combine(model, "plan.json"));
        var table = Path.Combine(dir.FullName, "trim.md");
        var journal = Path.Combine(dir.FullName, "trim-ckpt");
        (code, output, error) = await CsegRunner.RunAsync("trim", "--model", model, "--decoder", "chest", "--dataset", chest, "--candidates", "2", "--search-steps", "2", "--steps", "2", "--patches-per-case", "1", "--val-fraction", "0.5", "--dry-run", "--table", table, "--checkpoint", journal);
        Assert.True(code == 0, error);
        // The search's journal: its header and a line per distinct candidate.
        var journalLines = await File.ReadAllLinesAsync(Path.Combine(journal, "search.jsonl"));
        Assert.InRange(journalLines.Length, 2, 3);
        Assert.StartsWith("{\"Search\":\"teacher chest", journalLines[0], StringComparison.Ordinal);
        Assert.Matches(@"before: \d+ parameters", output);
        Assert.Matches(@"after: +\d+ parameters", output);
        Assert.Contains("warning: one validation case", output, StringComparison.Ordinal);

        // The search as a table: one row per candidate, the finalists, the time spent.
        var markdown = await File.ReadAllTextAsync(table);
        Assert.Contains("# Trimming decoder `chest`", markdown, StringComparison.Ordinal);
        Assert.Contains("(the same cases: one validation case only), whole volumes by sliding-window inference", markdown, StringComparison.Ordinal);
        Assert.Contains("- Students: start from slices of the teacher's weights; 2 distillation steps per candidate, 2 per finalist.", markdown, StringComparison.Ordinal);
        Assert.Matches(@"- Time: caching [0-9.]+ s, search [0-9.]+ s \(2 candidates\), finalists [0-9.]+ s, total [0-9.]+ s\.", markdown);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(markdown, @"\n\| 2 \| [^|\n]+ \| [0-9.]+ \| [0-9,]+ \| [0-9.]+ \| (?:[0-9.]+|—) \| [0-9.]+ \| -?[0-9.]+ \|\n"), markdown);
        Assert.DoesNotMatch(@"\n\| 3 \|", markdown);
        Assert.Equal(planBefore, await File.ReadAllTextAsync(Path.Combine(model, "plan.json")));

        // A kept student has its own record (the teacher's data, the trimming's metrics), as a trained decoder has:
        // exporting it asks for no provenance (this model has no body-part regressor, which export needs first).
        (code, output, error) = await CsegRunner.RunAsync("trim", "--model", model, "--decoder", "chest", "--dataset", chest, "--student-id", "chest-small", "--candidates", "2", "--search-steps", "2", "--steps", "2", "--patches-per-case", "1", "--val-fraction", "0.5", "--max-dice-drop", "1");
        Assert.True(code == 0, error);
        Assert.Contains("saved decoder chest-small", output, StringComparison.Ordinal);
        Assert.Contains("\"teacherValidationDice\"", await File.ReadAllTextAsync(Path.Combine(model, "decoders", "chest-small.record.json")), StringComparison.Ordinal);
        (code, _, error) = await CsegRunner.RunAsync("decoders", "export", "chest-small", "--model", model, "--out", Path.Combine(dir.FullName, "chest-small.zip"));
        Assert.NotEqual(0, code);
        Assert.Contains("no body-part range", error, StringComparison.Ordinal);
        Assert.DoesNotContain("provenance", error, StringComparison.Ordinal);
        (code, _, error) = await CsegRunner.RunAsync("decoders", "remove", "chest-small", "--model", model);
        Assert.True(code == 0, error);

        // A baseline step retrains the encoder and says so; the model still loads with every decoder.
        (code, output, error) = await CsegRunner.RunAsync("train", "task", "--model", model, "--dataset", headneck, "--decoder-id", "headneck-lwf", "--mode", "lwf", "--lwf-weight", "2", "--epochs", "1", "--iterations", "2", "--val-fraction", "0.5");
        Assert.True(code == 0, error);
        Assert.Contains("(lwf: encoder retrained, now ", output, StringComparison.Ordinal);
        Assert.Contains("decoders chest, headneck, headneck-lwf", output, StringComparison.Ordinal);
        Assert.NotEqual(encoder, await File.ReadAllBytesAsync(Path.Combine(model, "encoder.bin")));
        Assert.Contains("\"mode\": \"lwf\"", await File.ReadAllTextAsync(Path.Combine(model, "decoders", "headneck-lwf.record.json")), StringComparison.Ordinal);
        using var loaded = ModelStore.Load(model);
        Assert.Equal(["chest", "headneck", "headneck-lwf"], loaded.Bank.DecoderIds);
    }

    [Fact]
    public async Task An_unknown_mode_is_refused_with_one_line()
    {
        var (code, _, error) = await CsegRunner.RunAsync("train", "task", "--model", dir.FullName, "--dataset", dir.FullName, "--decoder-id", "next", "--mode", "bogus");

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("cseg: --mode must be continual, finetune or lwf, not 'bogus'", line);
    }

    [Theory]
    [InlineData("continual", "--lwf-weight", "2")]
    [InlineData("finetune", "--lwf-temperature", "3")]
    public async Task Distillation_settings_are_refused_outside_lwf_mode(string mode, string option, string value)
    {
        var (code, _, error) = await CsegRunner.RunAsync("train", "task", "--model", dir.FullName, "--dataset", dir.FullName, "--decoder-id", "next", "--mode", mode, option, value);

        Assert.Equal(1, code);
        Assert.Contains("apply to --mode lwf only", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--lwf-weight", "-1", "weight")]
    [InlineData("--lwf-temperature", "0", "temperature")]
    public async Task Distillation_settings_out_of_range_are_refused(string option, string value, string named)
    {
        var (code, _, error) = await CsegRunner.RunAsync("train", "task", "--model", dir.FullName, "--dataset", dir.FullName, "--decoder-id", "next", "--mode", "lwf", option, value);

        Assert.Equal(1, code);
        Assert.Contains($"distillation {named}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_optimizer_is_refused_with_one_line()
    {
        var (code, _, error) = await CsegRunner.RunAsync("train", "base", "--dataset", dir.FullName, "--out", dir.FullName, "--optimizer", "lbfgs");

        Assert.Equal(1, code);
        Assert.Contains("--optimizer", error, StringComparison.Ordinal);
    }
}
