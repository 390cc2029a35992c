using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom;

/// <summary>
/// One buffer that values read from a file are slices of: a header window or a large value (Pixel Data). It is
/// rented from <see cref="ArrayPool{T}.Shared"/> when the pool's size class fits the length closely (otherwise a
/// right-sized array is allocated) and handed back by <see cref="DicomFile.Dispose"/>. Values reach the bytes only
/// through this manager, so a value used after its file was disposed throws <see cref="ObjectDisposedException"/>
/// instead of reading an array that the pool has given to someone else.
/// </summary>
internal sealed class FileValueBuffer : MemoryManager<byte>
{
    /// <summary>The largest size the shared pool keeps arrays of.</summary>
    private const int MaxPooledLength = 1 << 30;

    private readonly int length;
    private readonly bool pooled;
    private byte[]? array;

    public FileValueBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        this.length = length;

        // The shared pool hands out power-of-two sizes: rent only when that wastes at most an eighth, so that
        // files nobody disposes (their arrays simply stay with the garbage collector) cost little more than exact arrays.
        var sizeClass = length <= 16 ? 16 : BitOperations.RoundUpToPowerOf2((uint)length);
        pooled = length <= MaxPooledLength && sizeClass - (uint)length <= (uint)length / 8;
        array = pooled ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
    }

    public int Length => length;

    /// <summary>The whole buffer as memory whose spans are checked against disposal.</summary>
    public override Memory<byte> Memory => CreateMemory(length);

    public override Span<byte> GetSpan()
    {
        var a = array;
        ObjectDisposedException.ThrowIf(a is null, typeof(DicomFile));
        return new Span<byte>(a, 0, length);
    }

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        var a = array;
        ObjectDisposedException.ThrowIf(a is null, typeof(DicomFile));
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        var handle = GCHandle.Alloc(a, GCHandleType.Pinned);
        return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle, this);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        var a = Interlocked.Exchange(ref array, null);
        if (a is not null && pooled)
        {
            ArrayPool<byte>.Shared.Return(a);
        }
    }
}
