namespace ContinualSegment.Dicom;

/// <summary>
/// A <see cref="DicomFile"/> whose values are slices of a read-only memory mapping of the file (see
/// <see cref="DicomFile.OpenMapped"/>): large values such as Pixel Data are not copied into managed memory and
/// their pages are read when first touched. Dispose releases the mapping; the file's values (and any
/// <see cref="ReadOnlyMemory{T}"/> or span taken from them) must not be used afterwards.
/// </summary>
public sealed class MappedDicomFile : IDisposable
{
    private readonly MappedFileMemoryManager? memory;
    private readonly DicomFile file;
    private bool disposed;

    internal MappedDicomFile(DicomFile file, MappedFileMemoryManager? memory)
    {
        this.file = file;
        this.memory = memory;
    }

    /// <summary>The parsed file.</summary>
    /// <exception cref="ObjectDisposedException">The mapping has been released.</exception>
    public DicomFile File
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return file;
        }
    }

    /// <summary>True when the values are backed by a memory mapping (false for files below the threshold, read into pooled buffers).</summary>
    public bool IsMapped => memory is not null;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        file.Dispose();
        ((IDisposable?)memory)?.Dispose();
    }
}
