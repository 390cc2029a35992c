using ContinualSegment.Node.Ingest;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ContinualSegment.Node.Tests.Ingest;

#pragma warning disable CA1001 // The recorder is disposed in IAsyncLifetime.DisposeAsync.
public sealed class InstanceRecorderTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TestPostgres database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private InstanceRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        recorder = new InstanceRecorder(database.DataSource, new IngestOptions(), clock);
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task An_instance_places_patient_study_and_series_and_the_same_instance_again_adds_nothing()
    {
        Assert.Equal(RecordOutcome.Stored, await recorder.RecordAsync(Instance("1.2.9.1", "1.2.9.100", 1), CancellationToken.None));
        Assert.Equal(RecordOutcome.Duplicate, await recorder.RecordAsync(Instance("1.2.9.1", "1.2.9.100", 1), CancellationToken.None));

        Assert.Equal(1, await ScalarAsync<int>("select count(*) from instances"));
        Assert.Equal(1, await ScalarAsync<int>("select instance_count from series"));
        Assert.Equal("PAT-1", await ScalarAsync<string>("select p.patient_id from patients p join studies s on s.patient_ref = p.id"));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from audit_events where action = 'instance.stored' and object_id = '1.2.9.100.1'"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from audit_events where detail like '%Doe%' or actor like '%Doe%'"));
    }

    [Fact]
    public async Task Concurrent_associations_share_commits_and_every_instance_is_counted_once()
    {
        var instances = Enumerable.Range(0, 5).SelectMany(s => Enumerable.Range(1, 40).Select(i => Instance($"1.2.9.{10 + s}", $"1.2.9.{200 + s}", i))).ToList();

        var outcomes = await Task.WhenAll(instances.Select(i => Task.Run(() => recorder.RecordAsync(i, CancellationToken.None))));

        Assert.All(outcomes, o => Assert.Equal(RecordOutcome.Stored, o));
        Assert.Equal(200, await ScalarAsync<int>("select count(*) from instances"));
        Assert.Equal(5, await ScalarAsync<int>("select count(*) from series where instance_count = 40 and content_version = 0"));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from patients"));
    }

    [Fact]
    public async Task An_instance_after_completion_opens_a_new_content_version()
    {
        await recorder.RecordAsync(Instance("1.2.9.30", "1.2.9.300", 1), CancellationToken.None);
        await ExecuteAsync("update series set state = 'queued', completed_at = now()");
        clock.Advance(TimeSpan.FromMinutes(5));

        await recorder.RecordAsync(Instance("1.2.9.30", "1.2.9.300", 2), CancellationToken.None);

        Assert.Equal("receiving", await ScalarAsync<string>("select state from series"));
        Assert.Equal(1, await ScalarAsync<int>("select content_version from series"));
        Assert.Equal(2, await ScalarAsync<int>("select instance_count from series"));
        Assert.Equal(clock.GetUtcNow(), new DateTimeOffset(await ScalarAsync<DateTime>("select last_received_at from series"), TimeSpan.Zero));
    }

    [Fact]
    public async Task A_bad_instance_fails_alone_and_its_group_is_still_recorded()
    {
        var good = Enumerable.Range(1, 20).Select(i => Instance("1.2.9.40", "1.2.9.400", i)).ToList();
        var bad = Instance("1.2.9.41", "1.2.9.410", 1) with { PatientName = "Bad\0Name" };

        var all = good.Select(i => recorder.RecordAsync(i, CancellationToken.None)).Append(recorder.RecordAsync(bad, CancellationToken.None)).ToList();
        var badTask = all[^1];

        await Assert.ThrowsAnyAsync<Exception>(() => badTask);
        await Task.WhenAll(all.Take(20));
        Assert.Equal(20, await ScalarAsync<int>("select count(*) from instances"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from series where series_instance_uid = '1.2.9.410'"));
    }

    private static ReceivedInstance Instance(string study, string series, int number) => new()
    {
        SopInstanceUid = $"{series}.{number}",
        SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
        SeriesInstanceUid = series,
        StudyInstanceUid = study,
        PatientId = "PAT-1",
        PatientName = "Doe^Jane",
        Modality = "CT",
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        RelativePath = $"{study}/{series}/{number}.dcm",
        SizeBytes = 1000,
        Processable = true,
        CallingAeTitle = "CT01",
        CalledAeTitle = "CSEG",
        Peer = "127.0.0.1:40000",
    };

    private async Task ExecuteAsync(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
