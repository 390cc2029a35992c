namespace ContinualSegment.Node.Ingest;

/// <summary>Told by ingest about every processable instance it stored (after success was decided, off the store's path).</summary>
public interface IStoredSeriesObserver
{
    /// <summary>An instance of the series kept in <paramref name="seriesDirectory"/> (full path) was stored.</summary>
    void InstanceStored(string seriesDirectory);
}
