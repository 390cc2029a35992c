using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Pipeline;

namespace ContinualSegment.Node.Workers;

/// <summary>
/// A loaded model and the number of holds on it: one for being the live model's current model, one per job's lease.
/// The pipeline is disposed when the last hold goes.
/// </summary>
internal sealed class ModelSnapshot
{
    private int holds = 1;

    public ModelSnapshot(SegmentationPipeline pipeline, ModelDirectoryStamp stamp, long generation)
    {
        Pipeline = pipeline;
        Stamp = stamp;
        Generation = generation;
    }

    public SegmentationPipeline Pipeline { get; }

    public ModelDirectoryStamp Stamp { get; }

    public long Generation { get; }

    /// <summary>Whether the pipeline has been disposed (no holds are left).</summary>
    public bool Disposed => Volatile.Read(ref holds) == 0;

    /// <summary>Adds a hold unless the snapshot is already gone.</summary>
    public bool TryHold()
    {
        while (true)
        {
            var current = Volatile.Read(ref holds);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref holds, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives one hold back; the last disposes the pipeline.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref holds) == 0)
        {
            Pipeline.Dispose();
        }
    }
}
