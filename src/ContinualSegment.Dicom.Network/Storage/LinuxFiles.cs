using System.Runtime.InteropServices;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Storage;

/// <summary>
/// The few Linux file calls .NET does not offer: an unnamed file (<c>O_TMPFILE</c>) that gets its name with one
/// <c>linkat</c> once it is complete, positioned and gathered writes on a bare descriptor, and <c>fsync</c> of a
/// file or a directory. Bound to glibc; where it is missing (musl, other systems) <see cref="Available"/> is false.
/// </summary>
internal static unsafe partial class LinuxFiles
{
    /// <summary>Errno values this code distinguishes.</summary>
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EACCES = 13, EEXIST = 17, EXDEV = 18, EISDIR = 21, EINVAL = 22, EOPNOTSUPP = 95;

    private const string Libc = "libc.so.6";
    private const int AtFdCwd = -100;
    private const int AtSymlinkFollow = 0x400;
    private const int AtEmptyPath = 0x1000;
    private const int ORdwr = 0x2, OCloexec = 0x80000;

    private static readonly Lazy<bool> Probe = new(ProbeLibc, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Linux on x64 or Arm64 with glibc: the calls here can be made (directory flushes among them).</summary>
    public static bool LibcAvailable => Probe.Value;

    /// <summary>
    /// <see cref="LibcAvailable"/> and /proc mounted: unnamed files can be created and linked (through /proc/self/fd).
    /// </summary>
    public static bool Available => Probe.Value && Directory.Exists("/proc/self/fd");

    /// <summary>O_TMPFILE for this architecture (it includes O_DIRECTORY, whose value differs on Arm64).</summary>
    private static int OTmpfile => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x404000 : 0x410000;

    /// <summary>
    /// Opens an unnamed regular file in <paramref name="directory"/> for reading and writing (read back when it has
    /// to be copied); -1 and the errno on failure.
    /// </summary>
    public static int OpenUnnamed(string directory, out int errno)
    {
        int fd;
        do
        {
            fd = Open(directory, OTmpfile | ORdwr | OCloexec, 0x1B6 /* 0666, less the umask */);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (fd < 0 && errno == EINTR);
        return fd;
    }

    /// <summary>The /proc link through which this process reaches its descriptor <paramref name="fd"/>.</summary>
    public static string ProcPath(int fd) => "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gives the unnamed file <paramref name="fd"/> the name <paramref name="path"/>; the errno, 0 on success.</summary>
    public static int Link(int fd, string path) =>
        LinkAt(AtFdCwd, ProcPath(fd), AtFdCwd, path, AtSymlinkFollow) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Writes all of <paramref name="first"/> then <paramref name="second"/> at <paramref name="offset"/>.</summary>
    public static void WriteAt(SafeHandle fd, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, long offset)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            var descriptor = (int)fd.DangerousGetHandle();
            fixed (byte* a = first)
            fixed (byte* b = second)
            {
                var vectors = stackalloc IoVector[2];
                long done = 0;
                long total = (long)first.Length + second.Length;
                while (done < total)
                {
                    var count = 0;
                    if (done < first.Length)
                    {
                        vectors[count++] = new IoVector(a + done, first.Length - done);
                        if (second.Length > 0)
                        {
                            vectors[count++] = new IoVector(b, second.Length);
                        }
                    }
                    else
                    {
                        vectors[count++] = new IoVector(b + (done - first.Length), total - done);
                    }

                    var written = PWritev(descriptor, vectors, count, offset + done);
                    if (written < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == EINTR)
                        {
                            continue;
                        }

                        throw Failure(errno, "write to the received file");
                    }

                    if (written == 0)
                    {
                        throw new IOException("Could not write to the received file: the system wrote nothing.");
                    }

                    done += written;
                }
            }
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; 0 at the end.</summary>
    public static int ReadAt(SafeHandle fd, Span<byte> buffer, long offset)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            fixed (byte* start = buffer)
            {
                while (true)
                {
                    var read = PRead((int)fd.DangerousGetHandle(), start, buffer.Length, offset);
                    if (read >= 0)
                    {
                        return (int)read;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != EINTR)
                    {
                        throw Failure(errno, "read the received file");
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>Flushes a file's data and metadata to disk.</summary>
    public static void Flush(SafeHandle fd)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            FsyncOrThrow((int)fd.DangerousGetHandle(), "flush the received file");
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }

    /// <summary>Flushes a directory (its entries) to disk, so a name given to a file survives a crash.</summary>
    public static void FlushDirectory(string directory) => DirectoryFlush.Flush(directory);

    /// <summary>Links with <c>AT_EMPTY_PATH</c> (no /proc needed, but the capability CAP_DAC_READ_SEARCH); the errno, 0 on success.</summary>
    public static int LinkByDescriptor(int fd, string path) =>
        LinkAt(fd, string.Empty, AtFdCwd, path, AtEmptyPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Closes a descriptor (used by the owning safe handle).</summary>
    public static bool CloseDescriptor(int fd) => Close(fd) == 0;

    /// <summary>An <see cref="IOException"/> naming the operation and the system's message for <paramref name="errno"/>.</summary>
    public static IOException Failure(int errno, string operation) =>
        new($"Could not {operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);

    private static void FsyncOrThrow(int fd, string operation)
    {
        while (Fsync(fd) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw Failure(errno, operation);
            }
        }
    }

    private static bool ProbeLibc()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return false;
        }

        try
        {
            // Any harmless call binds the library: a missing glibc shows here, not in the middle of a C-STORE.
            return Close(-1) == -1;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(int oldDirectory, string oldPath, int newDirectory, string newPath, int flags);

    [LibraryImport(Libc, EntryPoint = "pwritev", SetLastError = true)]
    private static partial nint PWritev(int fd, IoVector* vectors, int count, long offset);

    [LibraryImport(Libc, EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct IoVector(byte* start, long length)
    {
        private readonly byte* start = start;
        private readonly nint length = (nint)length;
    }
}
