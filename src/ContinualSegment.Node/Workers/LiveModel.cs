using ContinualSegment.Model.Merging;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Node.Workers;

/// <summary>
/// The model a worker runs, kept in step with its model directory while the node runs. Before each claim the worker
/// calls <see cref="RefreshAsync"/>: when a decoder change was announced (NOTIFY) or the directory's stamp differs from
/// the loaded model's, the new model is loaded off to the side and swapped in atomically. A job holds the model it
/// started with through a <see cref="ModelLease"/>; a replaced model is disposed when its last lease goes. A reload
/// that fails leaves the current model in place (and is tried again before the next claim).
/// </summary>
public sealed class LiveModel : IDisposable
{
    private readonly string directory;
    private readonly MergeCatalogue catalogue;
    private readonly SegmentationPipelineOptions options;
    private readonly ModelDirectory model;
    private readonly ILogger logger;
    private readonly SemaphoreSlim reloading = new(1, 1);
    private ModelSnapshot? current;
    private long generation;

    /// <summary>Creates the live model (nothing is loaded until <see cref="LoadAsync"/>).</summary>
    public LiveModel(string directory, MergeCatalogue catalogue, SegmentationPipelineOptions? options = null, ILogger<LiveModel>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(catalogue);
        this.directory = Path.GetFullPath(directory);
        this.catalogue = catalogue;
        this.options = options ?? new SegmentationPipelineOptions();
        this.logger = logger ?? NullLogger<LiveModel>.Instance;
        model = new ModelDirectory(this.directory);
    }

    /// <summary>The model directory (full path).</summary>
    public string Directory => directory;

    /// <summary>Loads the first model.</summary>
    /// <exception cref="ModelPlanException">The directory has no valid model.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (current is null)
            {
                Swap(await LoadSnapshotAsync(cancellationToken).ConfigureAwait(false), "first load");
            }
        }
        finally
        {
            reloading.Release();
        }
    }

    /// <summary>
    /// Reloads the model when <paramref name="notified"/> (a decoder change was announced) or the directory's stamp has
    /// changed since the current model was loaded.
    /// </summary>
    /// <returns>Whether a new model was swapped in.</returns>
    public async Task<bool> RefreshAsync(bool notified, CancellationToken cancellationToken)
    {
        await reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var loaded = current ?? throw new InvalidOperationException("the live model is not loaded yet");
            ModelDirectoryStamp stamp;
            try
            {
                stamp = await model.ReadStampAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Log.ModelReloadFailed(logger, directory, ex.Message);
                return false;
            }

            if (!notified && stamp == loaded.Stamp)
            {
                return false;
            }

            ModelSnapshot next;
            try
            {
                next = await LoadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ModelPlanException or InvalidDataException or IOException or UnauthorizedAccessException or DecoderPackageException or System.Runtime.InteropServices.ExternalException)
            {
                Log.ModelReloadFailed(logger, directory, ex.Message);
                return false;
            }

            Swap(next, notified ? "decoder change announced" : "model directory changed");
            return true;
        }
        finally
        {
            reloading.Release();
        }
    }

    /// <summary>A hold on the current model for one job; dispose it when the job ends.</summary>
    public ModelLease Acquire()
    {
        while (true)
        {
            var snapshot = Volatile.Read(ref current) ?? throw new InvalidOperationException("the live model is not loaded yet");
            if (snapshot.TryHold())
            {
                return new ModelLease(snapshot);
            }
        }
    }

    /// <summary>Gives up the current model; models still leased are disposed when their leases go.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref current, null)?.Release();
        reloading.Dispose();
    }

    private async Task<ModelSnapshot> LoadSnapshotAsync(CancellationToken cancellationToken)
    {
        // The stamp is read first: a change made while the model loads is seen again at the next refresh.
        var stamp = await model.ReadStampAsync(cancellationToken).ConfigureAwait(false);
        var pipeline = await SegmentationPipeline.LoadAsync(directory, catalogue, options, cancellationToken).ConfigureAwait(false);
        return new ModelSnapshot(pipeline, stamp, Interlocked.Increment(ref generation));
    }

    private void Swap(ModelSnapshot next, string reason)
    {
        var previous = Interlocked.Exchange(ref current, next);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var decoders = string.Join(", ", next.Pipeline.RunnableDecoders.Select(d => d.Id));
            Log.ModelReloaded(logger, directory, next.Generation, reason, decoders, next.Stamp.Change);
        }

        previous?.Release();
    }
}
