using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Pipeline;

namespace ContinualSegment.Node.Workers;

/// <summary>
/// One job's hold on a loaded model (<see cref="LiveModel.Acquire"/>): the model stays loaded, whatever reloads happen
/// meanwhile, until every lease on it is disposed.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private readonly ModelSnapshot snapshot;
    private int disposed;

    internal ModelLease(ModelSnapshot snapshot)
    {
        this.snapshot = snapshot;
    }

    /// <summary>The loaded model.</summary>
    public SegmentationPipeline Pipeline => snapshot.Pipeline;

    /// <summary>The model directory's stamp when the model was loaded.</summary>
    public ModelDirectoryStamp Stamp => snapshot.Stamp;

    /// <summary>The ids of the decoders this model runs, in order.</summary>
    public IReadOnlyList<string> DecoderIds => snapshot.Pipeline.RunnableDecoders.Select(d => d.Id).ToList();

    /// <summary>Which load of the live model this is (1 for the first).</summary>
    public long Generation => snapshot.Generation;

    /// <summary>Whether the leased model has been disposed (only once this and every other hold on it are gone).</summary>
    internal bool ModelDisposed => snapshot.Disposed;

    /// <summary>Gives the hold back; the last one of a replaced model disposes it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            snapshot.Release();
        }
    }
}
