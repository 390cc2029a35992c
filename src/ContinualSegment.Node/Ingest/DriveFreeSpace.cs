namespace ContinualSegment.Node.Ingest;

/// <summary>Free space as the operating system reports it.</summary>
public sealed class DriveFreeSpace : IFreeSpace
{
    /// <inheritdoc />
    public long AvailableBytes(string directory) => new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
}
