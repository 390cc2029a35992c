using System.Text.Json;
using ContinualSegment.Imaging;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using Npgsql;

namespace ContinualSegment.Cli.Tests;

/// <summary>
/// <c>cseg decoders export</c> and the decoders of a model trained by cseg, which are listed, disabled, removed and
/// exported like installed packages: an exported decoder installs into another copy of the model and segments exactly
/// as it did where it was trained.
/// </summary>
[Collection(SegmentModelCollection.Name)]
public sealed class DecoderExportCommandTests(SegmentModelFixture fixture) : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-export-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task An_exported_decoder_installs_into_a_copy_of_the_model_that_lost_it_and_gives_bit_identical_labels()
    {
        // The original: the fixture's trained chest decoder plus a second decoder whose body-part range the scan never
        // reaches (so it is skipped and chest's labels are chest's alone, in both copies).
        var original = CopyModel("original");
        AppendFarDecoder(original);
        var originalOut = Path.Combine(dir.FullName, "original-out");
        await SegmentAsync(original, originalOut);

        var list = await CsegRunner.RunAsync("decoders", "list", "--model", original);
        Assert.True(list.ExitCode == 0, list.Error);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id\tversion\ttask\tclasses\tenabled\torigin\tmetrics", lines[0]);
        Assert.StartsWith("chest\t1.0.0\tchest\t", lines[1], StringComparison.Ordinal);
        Assert.Contains("\tyes\tmodel\t", lines[1], StringComparison.Ordinal);
        Assert.Contains("validationDice=", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("far\t1.0.0\twholebody\t1\tyes\tmodel\t", lines[2], StringComparison.Ordinal);

        // One command from the trained model to an installable package: the provenance training recorded is used.
        var package = Path.Combine(dir.FullName, "chest.cseg-decoder.zip");
        var export = await CsegRunner.RunAsync("decoders", "export", "chest", "--model", original, "--out", package, "--version", "1.0.1");
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("decoder chest 1.0.1", export.Output, StringComparison.Ordinal);
        var verify = await CsegRunner.RunAsync("package", "verify", package);
        Assert.True(verify.ExitCode == 0, verify.Error);
        var manifest = await ReadManifestAsync(package);
        var plan = ModelPlanSerializer.Load(Path.Combine(original, "plan.json"));
        var chest = plan.FindDecoder("chest")!;
        Assert.Equal(plan.EncoderFingerprint, manifest.EncoderFingerprint);
        Assert.Equal(chest.Classes, manifest.Classes.Select(c => c.Name));
        Assert.Equal(new BodyPartScoreRange(chest.BodyPartRange.Min, chest.BodyPartRange.Max), manifest.BodyPartRange);
        Assert.Equal(Path.GetFileName(fixture.Dataset), manifest.Provenance.Dataset);
        Assert.Equal(2, manifest.Provenance.Seed);
        Assert.True(manifest.Metrics.ContainsKey("validationDice"));

        // A second copy loses the decoder, then gets it back from the package.
        var copy = CopyModel("copy");
        AppendFarDecoder(copy);
        var removed = await CsegRunner.RunAsync("decoders", "remove", "chest", "--model", copy);
        Assert.True(removed.ExitCode == 0, removed.Error);
        Assert.Null(ModelPlanSerializer.Load(Path.Combine(copy, "plan.json")).FindDecoder("chest"));
        var install = await CsegRunner.RunAsync("decoders", "install", package, "--model", copy);
        Assert.True(install.ExitCode == 0, install.Error);
        var after = await CsegRunner.RunAsync("decoders", "list", "--model", copy);
        Assert.Contains("\nchest\t1.0.1\tchest\t", after.Output, StringComparison.Ordinal);
        Assert.Contains("\tyes\tpackage\t", after.Output, StringComparison.Ordinal);

        var copyOut = Path.Combine(dir.FullName, "copy-out");
        await SegmentAsync(copy, copyOut);
        var expected = await NiftiReader.ReadLabelsAsync(Path.Combine(originalOut, "labels.nii.gz"), CancellationToken.None);
        var actual = await NiftiReader.ReadLabelsAsync(Path.Combine(copyOut, "labels.nii.gz"), CancellationToken.None);
        Assert.Contains(expected.Data, v => v != 0);
        Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), "the installed package does not give the original decoder's labels");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(copyOut, "report.json")));
        var ran = report.RootElement.GetProperty("decoders").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "chest");
        Assert.True(ran.GetProperty("used").GetBoolean());
        Assert.Equal("package", ran.GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_decoder_without_recorded_provenance_is_exported_only_with_it_given()
    {
        var model = CopyModel("old");
        File.Delete(Path.Combine(model, "decoders", "chest.record.json"));
        var package = Path.Combine(dir.FullName, "old.cseg-decoder.zip");

        var refused = await CsegRunner.RunAsync("decoders", "export", "chest", "--model", model, "--out", package);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("refused (ProvenanceUnknown)", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--dataset NAME --cases N", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(package));

        var half = await CsegRunner.RunAsync("decoders", "export", "chest", "--model", model, "--out", package, "--dataset", "chest-phantom");
        Assert.Equal(2, half.ExitCode);
        Assert.Contains("--cases", half.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(package));

        var given = await CsegRunner.RunAsync("decoders", "export", "chest", "--model", model, "--out", package, "--dataset", "chest-phantom", "--cases", "2", "--seed", "2");
        Assert.True(given.ExitCode == 0, given.Error);
        var manifest = await ReadManifestAsync(package);
        Assert.Equal(("chest-phantom", 2, 2L, DecoderPackageService.UnrecordedSoftwareVersion), (manifest.Provenance.Dataset, manifest.Provenance.Cases, manifest.Provenance.Seed, manifest.Provenance.SoftwareVersion));

        var unknown = await CsegRunner.RunAsync("decoders", "export", "lungs", "--model", model, "--out", package);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("refused (UnknownDecoder)", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_enabled_decoder_of_a_trained_model_is_neither_disabled_nor_removed()
    {
        var model = CopyModel("single");
        var planBefore = await File.ReadAllBytesAsync(Path.Combine(model, "plan.json"));

        foreach (var verb in new[] { "disable", "remove" })
        {
            var (code, _, error) = await CsegRunner.RunAsync("decoders", verb, "chest", "--model", model);
            Assert.Equal(1, code);
            Assert.Contains("refused (LastEnabledDecoder)", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Equal(planBefore, await File.ReadAllBytesAsync(Path.Combine(model, "plan.json")));
        Assert.True(File.Exists(ModelStore.DecoderPath(model, "chest")));
        var list = await CsegRunner.RunAsync("decoders", "list", "--model", model);
        Assert.Contains("\tyes\tmodel\t", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_node_configuration_changes_are_recorded_with_an_audit_event_and_refusals_are_not()
    {
        var model = CopyModel("node");
        AppendFarDecoder(model);
        var database = "cseg_dec_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var target = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString()) { Database = database }.ConnectionString;
            var config = Path.Combine(dir.FullName, "node.json");
            await File.WriteAllTextAsync(config, $$"""{ "Database": { "Mode": "External" }, "ConnectionStrings": { "Postgres": "{{target}}" } }""");
            await using var source = NpgsqlDataSource.Create(target);
            await new ContinualSegment.Node.Storage.MigrationRunner().MigrateAsync(source, CancellationToken.None);
            await using var listener = await source.OpenConnectionAsync();
            await using (var listen = new NpgsqlCommand("listen cseg_decoders", listener))
            {
                await listen.ExecuteNonQueryAsync();
            }

            var notifications = new List<string>();
            listener.Notification += (_, e) => notifications.Add(e.Channel);

            Assert.Equal(0, (await CsegRunner.RunAsync("decoders", "disable", "far", "--model", model, "--config", config)).ExitCode);
            var refused = await CsegRunner.RunAsync("decoders", "disable", "chest", "--model", model, "--config", config);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("refused (LastEnabledDecoder)", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, (await CsegRunner.RunAsync("decoders", "enable", "far", "--model", model, "--config", config)).ExitCode);

            await using var connection = await source.OpenConnectionAsync();
            var events = new List<(string, string, string)>();
            await using (var query = new NpgsqlCommand("select decoder_id, action, actor from decoder_events order by id", connection))
            await using (var reader = await query.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    events.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            Assert.Equal([("far", "disabled", "cseg-cli"), ("far", "enabled", "cseg-cli")], events);
            await using (var audit = new NpgsqlCommand("select count(*) from audit_events where object_type = 'decoder' and object_id = 'far'", connection))
            {
                Assert.Equal(2L, await audit.ExecuteScalarAsync());
            }

            await using (var poll = new NpgsqlCommand("select 1", listener))
            {
                await poll.ExecuteNonQueryAsync();
            }

            Assert.Equal(["cseg_decoders", "cseg_decoders"], notifications);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestEnvironment.PostgresConnectionString());
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {database} with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<DecoderManifest> ReadManifestAsync(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        await using var stream = zip.GetEntry(DecoderPackageLayout.ManifestEntry)!.Open();
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return DecoderManifest.Parse(buffer.ToArray());
    }

    /// <summary>Adds a decoder trained on nothing whose body-part range lies far beyond any scan's scores.</summary>
    private static void AppendFarDecoder(string model)
    {
        using var loaded = ModelStore.Load(model);
        loaded.Bank.AddDecoder(new DecoderPlan
        {
            Id = "far",
            Task = "wholebody",
            Classes = ["liver"],
            Genotype = DecoderGenotype.Full(loaded.Plan.Encoder.Stages.Count),
            BodyPartRange = new BodyPartRange { Min = 1000, Max = 1001 },
        });
        ModelStore.AppendDecoder(model, loaded.Bank, "far");
    }

    private async Task SegmentAsync(string model, string output)
    {
        var (code, stdout, error) = await CsegRunner.RunAsync("segment", "--input", fixture.SeriesDirectory, "--out", output, "--model", model, "--threads", "2");
        Assert.True(code == 0, error + stdout);
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
}
