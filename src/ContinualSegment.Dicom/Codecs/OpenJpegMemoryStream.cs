using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>State and callbacks of an OpenJPEG input stream over pinned memory.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpenJpegMemoryStream
{
    public byte* Data;
    public long Length;
    public long Position;

    [UnmanagedCallersOnly]
    internal static nuint Read(byte* buffer, nuint count, void* user)
    {
        var s = (OpenJpegMemoryStream*)user;
        long left = s->Length - s->Position;
        if (left <= 0)
        {
            return nuint.MaxValue;
        }

        long n = count > (ulong)left ? left : (long)count;
        Buffer.MemoryCopy(s->Data + s->Position, buffer, (long)count, n);
        s->Position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly]
    internal static long Skip(long count, void* user)
    {
        var s = (OpenJpegMemoryStream*)user;
        long target = Math.Clamp(s->Position + count, 0, s->Length);
        if (count > 0 && s->Position >= s->Length)
        {
            return -1;
        }

        long skipped = target - s->Position;
        s->Position = target;
        return skipped;
    }

    [UnmanagedCallersOnly]
    internal static int Seek(long position, void* user)
    {
        var s = (OpenJpegMemoryStream*)user;
        if (position < 0 || position > s->Length)
        {
            return 0;
        }

        s->Position = position;
        return 1;
    }

    [UnmanagedCallersOnly]
    internal static void OnError(byte* message, void* user)
    {
        // user points at a GC handle to the list collecting the messages.
        if (message != null && user != null && GCHandle.FromIntPtr((nint)user).Target is List<string> messages && messages.Count < 8)
        {
            messages.Add((Marshal.PtrToStringUTF8((nint)message) ?? string.Empty).Trim());
        }
    }
}
