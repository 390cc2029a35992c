using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Storage;

/// <summary>
/// The file one C-STORE data set was streamed into: a complete Part 10 file (file meta information built from the
/// request, then the data set as received). The store handler may read it at <see cref="Path"/> and give it its
/// final name with <see cref="Publish"/>; whatever is not published is gone once the handler returns. On Linux the
/// file has no name until it is published (an <c>O_TMPFILE</c> file, linked into place in one step, and reclaimed by
/// the file system if the node dies first); elsewhere it has a temporary name in the server's temporary directory
/// and is renamed.
/// </summary>
public abstract class ReceivedFile : IDisposable
{
    private protected ReceivedFile()
    {
    }

    /// <summary>
    /// Where the file can be opened for reading while the handler runs (after publishing: its final path). Before
    /// publishing on Linux this is a <c>/proc/self/fd</c> link, valid in this process and only until the handler
    /// returns: opening it opens the file, but metadata read by path (<see cref="FileInfo"/>) describes the link, so
    /// take the size from <see cref="Length"/>.
    /// </summary>
    public abstract string Path { get; }

    /// <summary>Bytes written so far (meta information and data set).</summary>
    public long Length { get; private protected set; }

    /// <summary>The final path once <see cref="Publish"/> succeeded.</summary>
    public string? PublishedPath { get; private set; }

    /// <summary>Whether the object was disposed.</summary>
    private protected bool Disposed { get; private set; }

    /// <summary>
    /// Gives the complete file its final name, replacing a file of that name atomically (a reader sees the old file
    /// or the new one, never a part). With <paramref name="flushToDisk"/> the data are flushed before the file gets
    /// its name and the directory after, so a success reported to the peer survives a power cut.
    /// </summary>
    public void Publish(string destination, bool flushToDisk)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ObjectDisposedException.ThrowIf(Disposed, this);
        if (PublishedPath is not null)
        {
            throw new InvalidOperationException($"The received file was already published as {PublishedPath}.");
        }

        var full = System.IO.Path.GetFullPath(destination);
        PublishCore(full, flushToDisk);
        if (flushToDisk && LinuxFiles.LibcAvailable)
        {
            // The new name is durable only once its directory is.
            LinuxFiles.FlushDirectory(System.IO.Path.GetDirectoryName(full)!);
        }

        PublishedPath = full;
    }

    /// <summary>
    /// Flushes a file published without flushing (data, size and its name) to disk. A store handler that names the file
    /// first and flushes it afterwards can overlap the flush with other work (recording it in a database); until the flush
    /// returns, a crash may leave the name with fewer bytes than were received, which the handler's recovery must treat
    /// as never stored.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is not published yet.</exception>
    public void FlushToDisk()
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        var published = PublishedPath ?? throw new InvalidOperationException("The received file is not published yet; publish it first.");
        FlushPublishedCore(published);
        if (LinuxFiles.LibcAvailable)
        {
            LinuxFiles.FlushDirectory(System.IO.Path.GetDirectoryName(published)!);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!Disposed)
        {
            Disposed = true;
            DisposeCore();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Appends <paramref name="first"/> then <paramref name="second"/> with one write where the system has one.</summary>
    internal abstract void Append(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second);

    /// <summary>Called when the last byte was written, before the handler sees the file.</summary>
    internal abstract void Complete();

    /// <summary>
    /// Makes the complete file <paramref name="destination"/> (flushing its data first when asked); the directory
    /// is flushed afterwards by <see cref="Publish"/>.
    /// </summary>
    private protected abstract void PublishCore(string destination, bool flushToDisk);

    /// <summary>Flushes the published file <paramref name="published"/> (data and metadata); its directory is flushed by <see cref="FlushToDisk"/>.</summary>
    private protected virtual void FlushPublishedCore(string published)
    {
        using var stream = new FileStream(published, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>A unique temporary name next to <paramref name="destination"/>, in the same directory.</summary>
    private protected static string Beside(string destination) => destination + "." + Guid.NewGuid().ToString("N") + ".part";

    /// <summary>Renames <paramref name="beside"/> over <paramref name="destination"/> (atomic); removes it when that fails.</summary>
    private protected static void ReplaceWith(string beside, string destination)
    {
        try
        {
            File.Move(beside, destination, overwrite: true);
        }
        catch
        {
            File.Delete(beside);
            throw;
        }
    }

    /// <summary>Releases the file; an unpublished file is removed.</summary>
    private protected abstract void DisposeCore();
}
