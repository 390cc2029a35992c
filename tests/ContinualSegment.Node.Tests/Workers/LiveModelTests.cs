using ContinualSegment.Imaging;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Storage;
using ContinualSegment.Node.Workers;
using Dapper;
using static TorchSharp.torch;

namespace ContinualSegment.Node.Tests.Workers;

/// <summary>
/// The worker's live model: a decoder installed through the recorder (NOTIFY) and one disabled directly in the model
/// directory (stamp) change the decoder set of the next job, while a job that is running keeps the model it started with.
/// </summary>
public sealed class LiveModelTests : IAsyncLifetime
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();
    private readonly TestPostgres db = new();
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-live-");

    public Task InitializeAsync() => db.InitializeAsync();

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task An_install_and_a_disable_between_two_jobs_change_the_next_jobs_decoders_but_not_a_running_jobs()
    {
        var ct = CancellationToken.None;
        var modelDir = Path.Combine(dir.FullName, "model");
        var package = await ModelWithAnExportedDecoderAsync(modelDir);
        var kidney = (ushort)Catalogue["kidney_left"].GlobalIndex;
        var input = Phantom();

        using var live = new LiveModel(modelDir, SegmentationPipeline.CatalogueFrom(Catalogue));
        await live.LoadAsync(ct);
        var signal = await WorkSignal.ListenAsync(db.DataSource, [JobQueue.Channel, DecoderEventRecorder.Channel], ct);
        await using (signal)
        {
            // Job 1 starts on the model as loaded: only the base decoder.
            using var job1 = live.Acquire();
            Assert.Equal(["base"], job1.DecoderIds);

            // While it runs, an administrator installs the exported decoder with the node's database given.
            var recorder = new DecoderEventRecorder(db.DataSource);
            await recorder.RecordAsync("installed", "admin", async c =>
            {
                var installed = await new ModelDirectory(modelDir).InstallAsync(package, InstallOptions(), c);
                return new DecoderChange(installed.Id, $"version {installed.Version}");
            }, ct);

            // Before its next claim the worker reads the notification and reloads.
            await signal.PollAsync(ct);
            Assert.True(signal.TakeNotified(DecoderEventRecorder.Channel));
            Assert.False(signal.TakeNotified(DecoderEventRecorder.Channel));
            Assert.True(await live.RefreshAsync(notified: true, ct));
            using var job2 = live.Acquire();
            Assert.Equal(["base", "extra"], job2.DecoderIds);
            Assert.Equal(2, job2.Generation);

            // Job 1 still has its model, unchanged and usable.
            Assert.Equal(["base"], job1.DecoderIds);
            Assert.False(job1.ModelDisposed);
            var first = job1.Pipeline.Run(input, ct);
            Assert.DoesNotContain(kidney, first.Labels.Data);
            Assert.DoesNotContain(first.Decisions, d => d.DecoderId == "extra");
            var second = job2.Pipeline.Run(input, ct);
            Assert.True(Assert.Single(second.Decisions, d => d.DecoderId == "extra").Ran);
            Assert.Contains(kidney, second.Labels.Data);

            // A change made without the database is seen from the directory's stamp alone.
            Assert.False(await live.RefreshAsync(notified: false, ct));
            await new ModelDirectory(modelDir).DisableAsync("base", ct);
            await signal.PollAsync(ct);
            Assert.False(signal.TakeNotified(DecoderEventRecorder.Channel));
            Assert.True(await live.RefreshAsync(notified: false, ct));
            using (var job3 = live.Acquire())
            {
                Assert.Equal(["extra"], job3.DecoderIds);
                Assert.Equal(3, job3.Generation);
            }

            // Replaced models go when their last job does, not before.
            Assert.Equal(["base"], job1.DecoderIds);
            job1.Dispose();
            Assert.True(job1.ModelDisposed);
            Assert.False(job2.ModelDisposed);
            job2.Dispose();
            Assert.True(job2.ModelDisposed);
        }

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var events = (await connection.QueryAsync<(string DecoderId, string Action, string Actor)>("select decoder_id, action, actor from decoder_events order by id")).ToList();
        Assert.Equal([("extra", "installed", "admin")], events);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("select count(*) from audit_events where action = 'decoder.installed' and object_type = 'decoder' and object_id = 'extra'"));
    }

    [Fact]
    public async Task A_change_that_fails_records_nothing()
    {
        var modelDir = Path.Combine(dir.FullName, "model");
        await ModelWithAnExportedDecoderAsync(modelDir);
        var recorder = new DecoderEventRecorder(db.DataSource);

        await Assert.ThrowsAsync<DecoderPackageException>(() => recorder.RecordAsync("disabled", "admin", async c =>
        {
            await new ModelDirectory(modelDir).DisableAsync("base", c);
            return new DecoderChange("base", string.Empty);
        }, CancellationToken.None));

        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from decoder_events"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from audit_events where action like 'decoder.%'"));
    }

    [Fact]
    public async Task A_change_the_database_fails_to_record_is_reported_as_standing_unrecorded()
    {
        var recorder = new DecoderEventRecorder(db.DataSource);
        var changed = false;

        var ex = await Assert.ThrowsAsync<DecoderEventException>(() => recorder.RecordAsync("enabled", "admin", async c =>
        {
            changed = true;

            // The recorder's connection waits (its transaction begun) while the change runs: end it under the recorder's feet.
            await using var other = await db.DataSource.OpenConnectionAsync(c);
            await other.ExecuteAsync("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
            return new DecoderChange("base", string.Empty);
        }, CancellationToken.None));

        Assert.True(changed);
        Assert.Contains("decoder 'base' was enabled in the model directory", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the change stands", ex.Message, StringComparison.Ordinal);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from decoder_events"));
    }

    private static DecoderInstallOptions InstallOptions() => new()
    {
        Catalogue = Catalogue.Structures.ToDictionary(s => s.Name, s => new CatalogueCodes(s.Category, s.Type, s.Laterality), StringComparer.Ordinal),
        Reader = new DecoderPackageReaderOptions(),
    };

    /// <summary>
    /// A tiny model with a base decoder and an "extra" one whose head makes kidney_left every voxel's arg-max; "extra" is
    /// exported as a package and removed from the model. Returns the package.
    /// </summary>
    private async Task<string> ModelWithAnExportedDecoderAsync(string modelDir)
    {
        manual_seed(31);
        var plan = new ModelPlan
        {
            TargetSpacing = [3.0, 1.5, 1.5],
            PatchSize = [16, 16, 16],
            Normalization = new IntensityNormalization { Scheme = NormalizationScheme.CT, ClipLower = -200, ClipUpper = 300, Mean = 40, Std = 80 },
            Encoder = new EncoderPlan
            {
                Stages =
                [
                    new EncoderStagePlan { Width = 4, KernelSize = [1, 3, 3], Stride = [1, 1, 1] },
                    new EncoderStagePlan { Width = 8, KernelSize = [3, 3, 3], Stride = [1, 2, 2] },
                    new EncoderStagePlan { Width = 12, KernelSize = [3, 3, 3], Stride = [2, 2, 2] },
                ],
            },
            Decoders = [Decoder("base", ["spleen", "liver"]), Decoder("extra", ["kidney_left"])],
        };
        using (var bank = new DecoderBank(plan))
        {
            using (no_grad())
            {
                var head = bank.GetDecoder("extra").named_parameters().ToDictionary(p => p.name, p => p.parameter);
                head["head.weight"].zero_();
                head["head.bias"].copy_(tensor(new[] { 0f, 40f }));
            }

            ModelStore.Save(bank, plan, modelDir);
        }

        var model = new ModelDirectory(modelDir);
        var package = Path.Combine(dir.FullName, "extra.cseg-decoder.zip");
        var provenance = new TrainingProvenance { Dataset = "test", Cases = 1, TrainedAt = DateTimeOffset.UnixEpoch, SoftwareVersion = "test", Seed = 31 };
        await model.ExportAsync("extra", package, new DecoderExportOptions { Catalogue = InstallOptions().Catalogue, Provenance = provenance }, CancellationToken.None);
        await model.RemoveAsync("extra", CancellationToken.None);
        return package;
    }

    private static DecoderPlan Decoder(string id, IReadOnlyList<string> classes) => new()
    {
        Id = id,
        Task = "wholebody",
        Classes = classes,
        Genotype = DecoderGenotype.Full(3),
        BodyPartRange = new BodyPartRange { Min = -10, Max = 10 },
    };

    private static Volume<float> Phantom(int sx = 24, int sy = 24, int sz = 10)
    {
        var volume = new Volume<float>(sx, sy, sz, Affine3D.Axial(new Vec3(-20, -15, 40), new Vec3(1.0, 1.0, 2.0)));
        for (var z = 0; z < sz; z++)
        {
            for (var y = 0; y < sy; y++)
            {
                for (var x = 0; x < sx; x++)
                {
                    var r = Math.Sqrt(((x - (sx / 2.0)) * (x - (sx / 2.0))) + ((y - (sy / 2.0)) * (y - (sy / 2.0))));
                    volume[x, y, z] = r < 8 ? 60 : r < 12 ? -50 : -1000;
                }
            }
        }

        return volume;
    }
}
