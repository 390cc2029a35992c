using ContinualSegment.Dicom.Network.Storage;
using Microsoft.Win32.SafeHandles;

namespace ContinualSegment.Dicom.Network.Storage;

/// <summary>
/// A received file written under a unique temporary name and renamed when published: where unnamed files are not
/// available (other systems, file systems without <c>O_TMPFILE</c>).
/// </summary>
internal sealed class NamedReceivedFile : ReceivedFile
{
    private readonly string path;
    private SafeFileHandle? handle;

    private NamedReceivedFile(string path, SafeFileHandle handle)
    {
        this.path = path;
        this.handle = handle;
    }

    public override string Path => PublishedPath ?? this.path;

    /// <summary>Creates a new file with a unique name in <paramref name="directory"/> (created if missing).</summary>
    public static NamedReceivedFile Create(string directory)
    {
        var path = System.IO.Path.Combine(directory, "cseg-store-" + Guid.NewGuid().ToString("N") + ".part");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(directory);
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }

        return new NamedReceivedFile(path, handle);
    }

    internal override void Append(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var handle = this.handle ?? throw new InvalidOperationException("The received file is complete.");
        if (first.Length > 0)
        {
            RandomAccess.Write(handle, first, Length);
            Length += first.Length;
        }

        if (second.Length > 0)
        {
            RandomAccess.Write(handle, second, Length);
            Length += second.Length;
        }
    }

    internal override void Complete()
    {
        // Closed before the handler runs, so it may open the file itself on any system.
        this.handle?.Dispose();
        this.handle = null;
    }

    private protected override void PublishCore(string destination, bool flushToDisk)
    {
        // First next to the destination (a copy when the temporary directory is on another file system), flushed
        // there when asked, then renamed within that directory: the final name appears atomically either way.
        var beside = Beside(destination);
        File.Move(this.path, beside);
        if (flushToDisk)
        {
            try
            {
                using var moved = new FileStream(beside, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                moved.Flush(flushToDisk: true);
            }
            catch
            {
                File.Delete(beside);
                throw;
            }
        }

        ReplaceWith(beside, destination);
    }

    private protected override void DisposeCore()
    {
        this.handle?.Dispose();
        this.handle = null;
        if (PublishedPath is null)
        {
            try
            {
                File.Delete(this.path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a temporary file that cannot be removed is left behind.
            }
        }
    }
}
