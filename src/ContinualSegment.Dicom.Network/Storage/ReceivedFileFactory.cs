using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Storage;

/// <summary>
/// Creates the files C-STORE data sets are streamed into, in one directory (which must be on the file system of
/// the final files). Unnamed Linux files are used where the file system has them; the first refusal
/// (<c>EOPNOTSUPP</c>, <c>EISDIR</c> or <c>EINVAL</c>: no <c>O_TMPFILE</c> support there), or a refusal to link one
/// into place, switches this factory to named temporary files for good. Shared by every association of a server.
/// </summary>
internal sealed class ReceivedFileFactory
{
    private readonly string directory;
    private volatile bool named;

    public ReceivedFileFactory(string directory, bool allowUnnamed = true)
    {
        this.directory = directory;
        named = !allowUnnamed || !LinuxFiles.Available;
    }

    /// <summary>Whether files are created unnamed (for tests and diagnostics).</summary>
    public bool CreatesUnnamedFiles => !named;

    /// <summary>A new, empty file for one data set.</summary>
    public ReceivedFile Create()
    {
        if (!named)
        {
            var fd = LinuxFiles.OpenUnnamed(this.directory, out var errno);
            if (fd < 0 && errno == LinuxFiles.ENOENT)
            {
                Directory.CreateDirectory(this.directory);
                fd = LinuxFiles.OpenUnnamed(this.directory, out errno);
            }

            if (fd >= 0)
            {
                return new UnnamedReceivedFile(new DescriptorHandle(fd), () => named = true);
            }

            if (errno is not (LinuxFiles.EOPNOTSUPP or LinuxFiles.EISDIR or LinuxFiles.EINVAL))
            {
                throw LinuxFiles.Failure(errno, $"create a file in {this.directory}");
            }

            named = true;
        }

        return NamedReceivedFile.Create(this.directory);
    }
}
