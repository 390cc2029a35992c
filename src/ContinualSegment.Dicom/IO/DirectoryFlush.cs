using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.IO;

/// <summary>
/// Flushes a directory's entries to disk (open the directory, fsync, close), so that a name just given to a file
/// survives a crash. Linux and other Unix systems; elsewhere (Windows) directories cannot be flushed and the call does nothing.
/// </summary>
public static partial class DirectoryFlush
{
    private const string Libc = "libc";
    private const int ORdonly = 0;
    private const int OCloexec = 0x80000;
    private const int EINTR = 4;

    /// <summary>Flushes <paramref name="directory"/> to disk.</summary>
    /// <exception cref="IOException">The directory could not be opened or flushed; the message names the system's reason.</exception>
    public static void Flush(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd;
        int errno;
        do
        {
            fd = Open(directory, ORdonly | (OperatingSystem.IsLinux() ? OCloexec : 0), 0);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (fd < 0 && errno == EINTR);
        if (fd < 0)
        {
            throw Failure(errno, $"open the directory {directory}");
        }

        try
        {
            while (Fsync(fd) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw Failure(errno, $"flush the directory {directory}");
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Failure(int errno, string operation) =>
        new($"Could not {operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
