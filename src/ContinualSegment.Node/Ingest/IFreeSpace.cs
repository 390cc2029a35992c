namespace ContinualSegment.Node.Ingest;

/// <summary>How much room is left on the file system of a directory (a seam so tests can simulate a full disk).</summary>
public interface IFreeSpace
{
    /// <summary>Bytes available to this process on the file system holding <paramref name="directory"/>.</summary>
    long AvailableBytes(string directory);
}
