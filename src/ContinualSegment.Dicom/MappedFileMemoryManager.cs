using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace ContinualSegment.Dicom;

/// <summary>Exposes a read-only memory-mapped file as <see cref="Memory{T}"/>; pages load when touched.</summary>
internal sealed unsafe class MappedFileMemoryManager : MemoryManager<byte>
{
    private readonly MemoryMappedFile mapping;
    private readonly MemoryMappedViewAccessor view;
    private readonly int length;
    private byte* pointer;

    public MappedFileMemoryManager(string path)
    {
        var size = new FileInfo(path).Length;
        if (size > Array.MaxLength)
        {
            throw new DicomException($"{path} holds {size} bytes; at most {Array.MaxLength} can be mapped.");
        }

        if (size == 0)
        {
            throw new DicomException($"{path} is empty.");
        }

        length = (int)size;
        mapping = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            view = mapping.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            pointer = p + view.PointerOffset;
        }
        catch
        {
            view?.Dispose();
            mapping.Dispose();
            throw;
        }
    }

    public int Length => length;

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(pointer == null, this);
        return new Span<byte>(pointer, length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(pointer == null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (pointer == null)
        {
            return;
        }

        pointer = null;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        if (disposing)
        {
            view.Dispose();
            mapping.Dispose();
        }
    }
}
