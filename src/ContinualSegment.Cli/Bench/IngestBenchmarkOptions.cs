namespace ContinualSegment.Cli.Bench;

/// <summary>Settings of <c>cseg bench ingest</c>.</summary>
/// <param name="SeriesDirectory">A CT series to send; generated (512×512×300) when null.</param>
/// <param name="WorkDirectory">Where the generated series and received files go.</param>
/// <param name="Repetitions">Runs per case; the median counts.</param>
/// <param name="ParallelAssociations">Associations in the parallel case.</param>
/// <param name="ReceivedDirectory">
/// Where both receivers write the files they receive; null: a directory in memory (/dev/shm) where there is one
/// with room for both receivers' files, else under <paramref name="WorkDirectory"/>.
/// </param>
/// <param name="WarmupRuns">Untimed runs sent to our receiver over the parallel associations before any timing.</param>
/// <param name="Durable">
/// Our receiver is the node's ingest with full durability (file and directory flushed, row committed before success),
/// on a disk (never in memory), and Orthanc in its default configuration is measured too.
/// </param>
/// <param name="ConnectionString">The durable receiver's database; null: a managed cluster under <paramref name="WorkDirectory"/>.</param>
public sealed record IngestBenchmarkOptions(string? SeriesDirectory, string WorkDirectory, int Repetitions = 3, int ParallelAssociations = 4, string? ReceivedDirectory = null, int WarmupRuns = 20, bool Durable = false, string? ConnectionString = null)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Repetitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ParallelAssociations, 2);
        ArgumentException.ThrowIfNullOrEmpty(WorkDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(WarmupRuns, 0);
        if (ReceivedDirectory is not null && string.IsNullOrWhiteSpace(ReceivedDirectory))
        {
            throw new ArgumentException("The received-files directory must not be blank.", nameof(ReceivedDirectory));
        }
    }
}
