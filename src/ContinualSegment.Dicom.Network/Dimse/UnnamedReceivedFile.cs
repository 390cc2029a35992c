namespace ContinualSegment.Dicom.Network;

/// <summary>
/// A received file created with <c>O_TMPFILE</c>: it has no directory entry while it is written, so creating it
/// touches no directory, an abandoned reception leaves nothing behind (not even after a crash), and publishing is
/// one <c>linkat</c> into the final directory.
/// </summary>
internal sealed class UnnamedReceivedFile : ReceivedFile
{
    private readonly DescriptorHandle _handle;
    private readonly string _readPath;

    public UnnamedReceivedFile(DescriptorHandle handle)
    {
        _handle = handle;
        _readPath = "/proc/self/fd/" + handle.Descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string Path
    {
        get
        {
            // Once closed, the descriptor number may name another file: the link is not handed out any more.
            ObjectDisposedException.ThrowIf(PublishedPath is null && Disposed, this);
            return PublishedPath ?? _readPath;
        }
    }

    internal override void Append(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        LinuxFiles.WriteAt(_handle, first, second, Length);
        Length += first.Length + second.Length;
    }

    internal override void Complete()
    {
        // The descriptor stays open: closing it would free the unnamed file before the handler publishes it.
    }

    private protected override void PublishCore(string destination, bool flushToDisk)
    {
        if (flushToDisk)
        {
            LinuxFiles.Flush(_handle);
        }

        var errno = LinuxFiles.Link(_handle.Descriptor, destination);
        if (errno == LinuxFiles.EEXIST)
        {
            // A file of that name exists (the instance was sent before): link under a unique name beside it and
            // rename over it, which replaces it atomically.
            var beside = destination + "." + Guid.NewGuid().ToString("N") + ".part";
            errno = LinuxFiles.Link(_handle.Descriptor, beside);
            if (errno == 0)
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
        }

        if (errno == LinuxFiles.EXDEV)
        {
            // The destination is on another file system than the server's temporary directory: copy it there.
            errno = 0;
            CopyTo(destination, flushToDisk);
        }

        if (errno != 0)
        {
            throw LinuxFiles.Failure(errno, $"store the received file as {destination}");
        }

        if (flushToDisk)
        {
            LinuxFiles.FlushDirectory(System.IO.Path.GetDirectoryName(destination)!);
        }
    }

    private protected override void DisposeCore() => _handle.Dispose();

    private void CopyTo(string destination, bool flushToDisk)
    {
        var beside = destination + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            using (var source = new FileStream(_readPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var target = new FileStream(beside, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                source.CopyTo(target);
                target.Flush(flushToDisk);
            }

            File.Move(beside, destination, overwrite: true);
        }
        catch
        {
            File.Delete(beside);
            throw;
        }
    }
}
