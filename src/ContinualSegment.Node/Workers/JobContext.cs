namespace ContinualSegment.Node.Workers;

/// <summary>What a worker needs to know about a claimed job's series.</summary>
internal sealed record JobContext(string SeriesInstanceUid, string StudyInstanceUid, string RelativeSeriesDirectory);
