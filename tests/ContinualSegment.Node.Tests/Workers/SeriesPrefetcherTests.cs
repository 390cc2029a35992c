using ContinualSegment.Dicom;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContinualSegment.Node.Tests.Workers;

/// <summary>
/// Loading a series ahead of its job: after the series has been quiet for a while, once, only while the files are the
/// ones that were loaded, never while instances still arrive, and within the configured number of series.
/// </summary>
public sealed class SeriesPrefetcherTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string root = Directory.CreateTempSubdirectory("cseg-prefetch-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task A_quiet_series_is_loaded_and_given_out_once()
    {
        var series = await WriteSeriesAsync("a", 6);
        await using var prefetcher = New();
        prefetcher.InstanceStored(series);
        await WaitForAsync(() => prefetcher.Count == 1);

        var taken = prefetcher.Take(series);
        Assert.NotNull(taken);
        Assert.Equal(SegmentationInputKind.LoadedSeries, taken.Input.Kind);
        Assert.Equal(series, taken.Input.Path);
        Assert.Equal(6, taken.Input.Series!.Volume.SizeZ);
        Assert.True(taken.LoadSeconds > 0);
        Assert.Null(prefetcher.Take(series));
        Assert.Equal(0, prefetcher.Count);
    }

    [Fact]
    public async Task A_series_whose_files_changed_after_loading_is_not_given_out()
    {
        var series = await WriteSeriesAsync("b", 6);
        await using var prefetcher = New();
        prefetcher.InstanceStored(series);
        await WaitForAsync(() => prefetcher.Count == 1);

        // A file written behind the prefetcher's back (no InstanceStored): the job must read the series itself.
        var first = Directory.GetFiles(series)[0];
        await File.AppendAllTextAsync(first, "x");
        Assert.Null(prefetcher.Take(series));
    }

    [Fact]
    public async Task A_series_that_still_receives_is_not_loaded_until_it_is_quiet()
    {
        var series = await WriteSeriesAsync("c", 4);
        await using var prefetcher = New(after: TimeSpan.FromMilliseconds(400));
        var until = DateTime.UtcNow.AddSeconds(1.5);
        while (DateTime.UtcNow < until)
        {
            prefetcher.InstanceStored(series);
            await Task.Delay(100);
            Assert.Equal(0, prefetcher.Count);
        }

        await WaitForAsync(() => prefetcher.Count == 1);
        Assert.NotNull(prefetcher.Take(series));
    }

    [Fact]
    public async Task An_instance_stored_after_loading_lets_the_loaded_series_go_and_loads_it_again()
    {
        var series = await WriteSeriesAsync("d", 4);
        await using var prefetcher = New();
        prefetcher.InstanceStored(series);
        await WaitForAsync(() => prefetcher.Count == 1);

        await WriteSeriesAsync("d", 7);
        prefetcher.InstanceStored(series);
        Assert.Equal(0, prefetcher.Count);
        await WaitForAsync(() => prefetcher.Count == 1);
        Assert.Equal(7, prefetcher.Take(series)!.Input.Series!.Volume.SizeZ);
    }

    [Fact]
    public async Task At_most_the_configured_number_of_series_are_held_the_others_wait_for_room_and_none_when_it_is_zero()
    {
        await using (var prefetcher = New(held: 2))
        {
            var first = await WriteSeriesAsync("e1", 3);
            var second = await WriteSeriesAsync("e2", 3);
            var third = await WriteSeriesAsync("e3", 3);
            prefetcher.InstanceStored(first);
            await WaitForAsync(() => prefetcher.Count == 1);
            prefetcher.InstanceStored(second);
            await WaitForAsync(() => prefetcher.Count == 2);
            // Full: the third waits for room instead of pushing out a series whose job comes before its own.
            prefetcher.InstanceStored(third);
            await Task.Delay(600);
            Assert.Equal(2, prefetcher.Count);
            Assert.Null(prefetcher.Take(third));
            Assert.NotNull(prefetcher.Take(first));
            await WaitForAsync(() => prefetcher.Count == 2);
            Assert.NotNull(prefetcher.Take(third));
            Assert.NotNull(prefetcher.Take(second));
        }

        await using (var off = New(held: 0))
        {
            var directory = await WriteSeriesAsync("f", 3);
            off.InstanceStored(directory);
            await Task.Delay(600);
            Assert.Equal(0, off.Count);
            Assert.Null(off.Take(directory));
        }
    }

    [Fact]
    public async Task A_directory_that_holds_no_CT_series_is_left_to_the_job()
    {
        var directory = Path.Combine(root, "junk");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "note.txt"), "not DICOM");
        await using var prefetcher = New();
        prefetcher.InstanceStored(directory);
        await Task.Delay(800);
        Assert.Equal(0, prefetcher.Count);
        Assert.Null(prefetcher.Take(directory));
    }

    [Fact]
    public async Task Disposing_twice_as_the_host_does_is_harmless()
    {
        // Regression: the host disposes the prefetcher as itself and as its observer registration; the second call threw
        // ObjectDisposedException from the disposed cancellation source and aborted `cseg serve` on shutdown.
        var directory = await WriteSeriesAsync("twice", 4);
        var prefetcher = New();
        prefetcher.InstanceStored(directory);
        await prefetcher.DisposeAsync();
        await prefetcher.DisposeAsync();

        prefetcher.InstanceStored(directory);
        Assert.Null(prefetcher.Take(directory));
        Assert.Equal(0, prefetcher.Count);
    }

    [Fact]
    public async Task The_node_host_disposes_its_prefetcher_without_error()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new WorkerOptions { PrefetchAfter = TimeSpan.FromMilliseconds(100), PrefetchedSeries = 2 }));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILogger<SeriesPrefetcher>>(NullLogger<SeriesPrefetcher>.Instance);
        services.AddSingleton<SeriesPrefetcher>();
        services.AddSingleton<IStoredSeriesObserver>(sp => sp.GetRequiredService<SeriesPrefetcher>());
        var provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<SeriesPrefetcher>(), provider.GetRequiredService<IStoredSeriesObserver>());

        await provider.DisposeAsync();
    }

    private static SeriesPrefetcher New(TimeSpan? after = null, int held = 2) => new(
        Options.Create(new WorkerOptions { PrefetchAfter = after ?? TimeSpan.FromMilliseconds(100), PrefetchedSeries = held }),
        TimeProvider.System,
        NullLogger<SeriesPrefetcher>.Instance);

    private async Task<string> WriteSeriesAsync(string name, int slices)
    {
        var directory = Path.Combine(root, name);
        var volume = new Volume<float>(16, 16, slices, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2)));
        Array.Fill(volume.Data, 40f);
        var metadata = new CtSeriesMetadata
        {
            PatientName = "Test^Patient",
            PatientId = "PRE-1",
            StudyInstanceUid = "1.2.3.4",
            SeriesInstanceUid = "1.2.3.4." + (name.GetHashCode(StringComparison.Ordinal) & 0xFFFF).ToString(System.Globalization.CultureInfo.InvariantCulture),
            FrameOfReferenceUid = "1.2.3.5",
        };
        await CtSeriesWriter.WriteAsync(volume, metadata, directory, CancellationToken.None);
        return directory;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not come true in time");
            await Task.Delay(50);
        }
    }
}
