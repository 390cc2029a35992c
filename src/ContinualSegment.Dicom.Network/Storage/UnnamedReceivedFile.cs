using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Storage;

/// <summary>
/// A received file created with <c>O_TMPFILE</c>: it has no directory entry while it is written, so creating it
/// touches no directory, an abandoned reception leaves nothing behind (not even after a crash), and publishing is
/// one <c>linkat</c> into the final directory. Where linking is impossible (another file system, or linking
/// through /proc refused by the system's security policy) the content is copied next to the destination and
/// renamed into place.
/// </summary>
internal sealed class UnnamedReceivedFile : ReceivedFile
{
    private readonly DescriptorHandle handle;
    private readonly string readPath;
    private readonly Action linkingRefused;
    private bool copied;

    /// <param name="handle">The open unnamed file.</param>
    /// <param name="linkingRefused">Called when the system refuses to link it (not for another file system).</param>
    public UnnamedReceivedFile(DescriptorHandle handle, Action linkingRefused)
    {
        this.handle = handle;
        this.linkingRefused = linkingRefused;
        readPath = LinuxFiles.ProcPath(handle.Descriptor);
    }

    public override string Path
    {
        get
        {
            // Once closed, the descriptor number may name another file: the link is not handed out any more.
            ObjectDisposedException.ThrowIf(PublishedPath is null && Disposed, this);
            return PublishedPath ?? readPath;
        }
    }

    internal override void Append(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        LinuxFiles.WriteAt(this.handle, first, second, Length);
        Length += first.Length + second.Length;
    }

    internal override void Complete()
    {
        // The descriptor stays open: closing it would free the unnamed file before the handler publishes it.
    }

    private protected override void PublishCore(string destination, bool flushToDisk)
    {
        // Held for the whole publication: the descriptor cannot be closed (and its number reused) underneath.
        var added = false;
        this.handle.DangerousAddRef(ref added);
        try
        {
            if (flushToDisk)
            {
                LinuxFiles.Flush(this.handle);
            }

            var errno = LinkOrReplace(destination);
            if (errno == LinuxFiles.ENOENT && !Directory.Exists(System.IO.Path.GetDirectoryName(destination)))
            {
                throw LinuxFiles.Failure(errno, $"store the received file as {destination} (its directory is missing)");
            }

            if (errno is LinuxFiles.EPERM or LinuxFiles.EACCES or LinuxFiles.ENOENT)
            {
                // Linking through /proc refused (a sandbox or security module); with the capability it may still
                // work by descriptor, otherwise copy. Later files are created named from the start.
                this.linkingRefused();
                errno = LinuxFiles.LinkByDescriptor(this.handle.Descriptor, destination) == 0 ? 0 : LinuxFiles.EXDEV;
            }

            if (errno == LinuxFiles.EXDEV)
            {
                CopyTo(destination, flushToDisk);
                copied = true;
                errno = 0;
            }

            if (errno != 0)
            {
                throw LinuxFiles.Failure(errno, $"store the received file as {destination}");
            }
        }
        finally
        {
            if (added)
            {
                this.handle.DangerousRelease();
            }
        }
    }

    private protected override void FlushPublishedCore(string published)
    {
        if (copied)
        {
            // The content lives in a copy beside the descriptor's file: flush the copy.
            base.FlushPublishedCore(published);
        }
        else
        {
            LinuxFiles.Flush(this.handle);
        }
    }

    private protected override void DisposeCore() => this.handle.Dispose();

    /// <summary>Links under <paramref name="destination"/>, atomically replacing a file of that name; the errno.</summary>
    private int LinkOrReplace(string destination)
    {
        var errno = LinuxFiles.Link(this.handle.Descriptor, destination);
        if (errno != LinuxFiles.EEXIST)
        {
            return errno;
        }

        // A file of that name exists (the instance was sent before): link under a unique name beside it and rename
        // over it, which replaces it atomically.
        var beside = Beside(destination);
        errno = LinuxFiles.Link(this.handle.Descriptor, beside);
        if (errno == 0)
        {
            ReplaceWith(beside, destination);
        }

        return errno;
    }

    /// <summary>Copies the content next to <paramref name="destination"/> (read from the descriptor) and renames it into place.</summary>
    private void CopyTo(string destination, bool flushToDisk)
    {
        var beside = Beside(destination);
        try
        {
            using var target = new FileStream(beside, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            var buffer = new byte[1 << 20];
            long offset = 0;
            int read;
            while ((read = LinuxFiles.ReadAt(this.handle, buffer, offset)) > 0)
            {
                target.Write(buffer, 0, read);
                offset += read;
            }

            target.Flush(flushToDisk);
        }
        catch
        {
            // A copy cut short (a full disk) leaves no partial file next to the destination.
            File.Delete(beside);
            throw;
        }

        ReplaceWith(beside, destination);
    }
}
