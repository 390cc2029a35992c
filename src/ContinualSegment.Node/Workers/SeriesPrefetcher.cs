using System.Globalization;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Node.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContinualSegment.Node.Workers;

/// <summary>
/// Loads a series while it waits for its quiet period to end, so the job that segments it does not begin by reading
/// three hundred files: in a process with both the ingest and the worker role, ingest tells it of every stored CT
/// instance; once a series has had no new instance for <see cref="WorkerOptions.PrefetchAfter"/>, it is loaded into
/// memory, the longest quiet first (at most <see cref="WorkerOptions.PrefetchedSeries"/> series are held, each for at most
/// <see cref="WorkerOptions.PrefetchKeep"/>; when that many are held the others wait for room, as their jobs wait for
/// the ones before them). A worker takes it for its job only when the series directory still holds
/// exactly the files that were loaded (names, sizes, times); otherwise, or when nothing was loaded, the job reads the
/// series itself as before. A series that cannot be loaded is left alone here: its job reads it and says why.
/// </summary>
public sealed class SeriesPrefetcher : IStoredSeriesObserver, IAsyncDisposable
{
    private readonly WorkerOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> pending = new(StringComparer.Ordinal);
    private readonly List<Entry> loaded = [];
    private readonly CancellationTokenSource stop = new();
    private Task? loop;
    private bool disposed;

    /// <summary>Creates the prefetcher; it starts working with the first stored instance.</summary>
    public SeriesPrefetcher(IOptions<WorkerOptions> options, TimeProvider time, ILogger<SeriesPrefetcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>How many loaded series are held now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return loaded.Count;
            }
        }
    }

    /// <inheritdoc />
    public void InstanceStored(string seriesDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(seriesDirectory);
        if (options.PrefetchedSeries <= 0)
        {
            return;
        }

        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            pending[seriesDirectory] = time.GetTimestamp();
            // What was loaded of this series is out of date now: let its memory go at once.
            loaded.RemoveAll(e => e.Directory == seriesDirectory);
            loop ??= Task.Run(() => RunAsync(stop.Token));
        }
    }

    /// <summary>
    /// The series loaded from <paramref name="seriesDirectory"/>, when it was loaded and the directory still holds exactly
    /// the files it was loaded from; null otherwise. A series is given out once.
    /// </summary>
    public PrefetchedSeries? Take(string seriesDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(seriesDirectory);
        Entry entry;
        lock (gate)
        {
            var index = loaded.FindIndex(e => e.Directory == seriesDirectory);
            if (index < 0)
            {
                return null;
            }

            entry = loaded[index];
            loaded.RemoveAt(index);
        }

        IReadOnlyList<string> now;
        try
        {
            now = Snapshot(seriesDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SeriesLoadException)
        {
            return null;
        }

        if (!now.SequenceEqual(entry.Files, StringComparer.Ordinal))
        {
            Log.PrefetchOutdated(logger, seriesDirectory);
            return null;
        }

        return new PrefetchedSeries(entry.Input, entry.LoadSeconds);
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: the host disposes it once as itself and once as the <see cref="IStoredSeriesObserver"/> it is registered as.</remarks>
    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            running = loop;
            loaded.Clear();
            pending.Clear();
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var tick = TimeSpan.FromTicks(Math.Clamp(options.PrefetchAfter.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, time, cancellationToken).ConfigureAwait(false);
                while (NextDue() is { } directory)
                {
                    Load(directory, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The series that has been quiet longest, when one has been quiet for long enough and there is room (taken off the
    /// pending list). With no room the pending series wait: jobs run oldest first, so the series held are the next ones to
    /// run, and a series is not loaded only to push out one that runs before it. Loaded series past their keep time go,
    /// and so do pending ones that never found room in that time.
    /// </summary>
    private string? NextDue()
    {
        lock (gate)
        {
            loaded.RemoveAll(e => time.GetElapsedTime(e.LoadedAt) > options.PrefetchKeep);
            foreach (var stale in pending.Where(p => time.GetElapsedTime(p.Value) > options.PrefetchKeep).Select(p => p.Key).ToList())
            {
                pending.Remove(stale);
            }

            if (loaded.Count >= options.PrefetchedSeries)
            {
                return null;
            }

            string? due = null;
            var oldest = long.MaxValue;
            foreach (var (directory, stamp) in pending)
            {
                if (stamp < oldest && time.GetElapsedTime(stamp) >= options.PrefetchAfter)
                {
                    (due, oldest) = (directory, stamp);
                }
            }

            if (due is not null)
            {
                pending.Remove(due);
            }

            return due;
        }
    }

    private void Load(string directory, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        IReadOnlyList<string> files;
        SegmentationInput input;
        try
        {
            files = Snapshot(directory);
            input = SegmentationInput.LoadSeries(directory, cancellationToken);
        }
        catch (Exception ex) when (ex is SegmentationInputException or SeriesLoadException or IOException or UnauthorizedAccessException or InvalidDataException or Dicom.DicomException)
        {
            // The job reads the series itself and fails with this reason, where it is recorded.
            Log.PrefetchFailed(logger, directory, ex.Message);
            return;
        }

        var seconds = time.GetElapsedTime(started).TotalSeconds;
        lock (gate)
        {
            if (disposed || pending.ContainsKey(directory))
            {
                // More instances arrived while it loaded: it is loaded again once they stop.
                return;
            }

            loaded.Add(new Entry(directory, files, input, seconds, time.GetTimestamp()));
            while (loaded.Count > options.PrefetchedSeries)
            {
                loaded.RemoveAt(0);
            }
        }

        Log.SeriesPrefetched(logger, directory, files.Count, seconds);
    }

    /// <summary>The directory's files as the loader finds them, each with its size and time of last write.</summary>
    private static IReadOnlyList<string> Snapshot(string directory) =>
        [.. SeriesLoader.FindFiles(directory).Select(f =>
        {
            var info = new FileInfo(f);
            return string.Create(CultureInfo.InvariantCulture, $"{f}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        })];

    private sealed record Entry(string Directory, IReadOnlyList<string> Files, SegmentationInput Input, double LoadSeconds, long LoadedAt);
}
