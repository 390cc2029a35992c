using System.Text;
using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The files C-STORE data sets are streamed into: unnamed until published (Linux) or temporary-named.</summary>
public sealed class ReceivedFileTests
{
    public static TheoryData<bool> Kinds => new() { true, false };

    [Fact]
    public void OnLinuxFilesAreUnnamedWhileTheyAreWritten()
    {
        using var temp = new TempDirectory();
        var incoming = temp.Sub(".incoming");
        var factory = new ReceivedFileFactory(incoming);
        Assert.Equal(OperatingSystem.IsLinux(), factory.CreatesUnnamedFiles);
        using var file = factory.Create();
        file.Append("header"u8, "body"u8);
        file.Complete();

        Assert.Equal(OperatingSystem.IsLinux(), file is UnnamedReceivedFile);
        if (OperatingSystem.IsLinux())
        {
            // Nothing in any directory until the file is published, yet it can be read.
            Assert.Empty(Directory.GetFileSystemEntries(incoming));
            Assert.Equal("headerbody", File.ReadAllText(file.Path));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PublishedFileHasEveryByteUnderItsName(bool unnamed)
    {
        using var temp = new TempDirectory();
        var factory = new ReceivedFileFactory(temp.Sub(".incoming"), unnamed);
        var data = new byte[300_000];
        new Random(7).NextBytes(data);
        var destination = Path.Combine(temp.Sub("out"), "1.2.3.dcm");
        using (var file = factory.Create())
        {
            file.Append(data.AsSpan(0, 1000), data.AsSpan(1000, 100_000));
            file.Append(data.AsSpan(101_000), default);
            file.Complete();
            Assert.Equal(data.Length, file.Length);
            Assert.False(File.Exists(destination));

            file.Publish(destination, flushToDisk: false);
            Assert.Equal(destination, file.PublishedPath);
            Assert.Equal(destination, file.Path);
            Assert.Throws<InvalidOperationException>(() => file.Publish(destination + ".again", flushToDisk: false));
        }

        Assert.Equal(data, File.ReadAllBytes(destination));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(temp.Path, ".incoming")));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PublishingOverAnExistingFileReplacesIt(bool unnamed)
    {
        using var temp = new TempDirectory();
        var factory = new ReceivedFileFactory(temp.Sub(".incoming"), unnamed);
        var output = temp.Sub("out");
        var destination = Path.Combine(output, "1.2.3.dcm");
        File.WriteAllText(destination, "an older, longer copy of the instance");

        using (var file = factory.Create())
        {
            file.Append("new"u8, default);
            file.Complete();
            file.Publish(destination, flushToDisk: true);
        }

        Assert.Equal("new", File.ReadAllText(destination));
        Assert.Equal([destination], Directory.GetFileSystemEntries(output));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FileNamedFirstIsFlushedAfterwardsAndOnlyOncePublished(bool unnamed)
    {
        using var temp = new TempDirectory();
        var factory = new ReceivedFileFactory(temp.Sub(".incoming"), unnamed);
        var destination = Path.Combine(temp.Sub("out"), "1.2.3.dcm");
        using var file = factory.Create();
        file.Append("named"u8, " first"u8);
        file.Complete();
        Assert.Throws<InvalidOperationException>(file.FlushToDisk);

        file.Publish(destination, flushToDisk: false);
        Assert.Equal("named first", File.ReadAllText(destination));
        file.FlushToDisk();
        file.FlushToDisk();

        Assert.Equal("named first", File.ReadAllText(destination));
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(file.FlushToDisk);
        Assert.Equal("named first", File.ReadAllText(destination));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void UnpublishedFileLeavesNothingBehind(bool unnamed)
    {
        using var temp = new TempDirectory();
        var incoming = temp.Sub(".incoming");
        var factory = new ReceivedFileFactory(incoming, unnamed);
        string path;
        using (var file = factory.Create())
        {
            file.Append(Encoding.ASCII.GetBytes("partial"), default);
            path = file.Path;
            Assert.True(File.Exists(path));
        }

        if (!unnamed)
        {
            // (An unnamed file's /proc link may name another test's file by now: its number is free again.)
            Assert.False(File.Exists(path));
        }

        Assert.Empty(Directory.GetFileSystemEntries(incoming));
    }

    [Fact]
    public void UnnamedFileStopsHandingOutItsLinkOnceClosed()
    {
        using var temp = new TempDirectory();
        var file = new ReceivedFileFactory(temp.Sub(".incoming")).Create();
        Assert.StartsWith("/proc/self/fd/", file.Path, StringComparison.Ordinal);
        file.Dispose();

        // The descriptor number may already name another file.
        Assert.Throws<ObjectDisposedException>(() => file.Path);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MissingTemporaryDirectoryIsCreated(bool unnamed)
    {
        using var temp = new TempDirectory();
        var incoming = Path.Combine(temp.Path, "not", "yet");
        var factory = new ReceivedFileFactory(incoming, unnamed);
        using var file = factory.Create();
        file.Append("x"u8, default);
        Assert.True(Directory.Exists(incoming));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PublishingOntoAnotherFileSystemCopies(bool flushAfterwards)
    {
        // /dev/shm (memory) and the temporary directory (disk) are different file systems on the machines the
        // tests run on; linking across them fails (EXDEV), so the file is copied next to its destination and renamed.
        Assert.True(OperatingSystem.IsLinux() && Directory.Exists("/dev/shm"), "this test needs Linux with /dev/shm");
        using var temp = new TempDirectory();
        var shm = Path.Combine("/dev/shm", "cseg-received-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(shm);
        try
        {
            Assert.NotEqual(MountPointOf(shm), MountPointOf(temp.Path));
            var factory = new ReceivedFileFactory(shm);
            var destination = Path.Combine(temp.Sub("out"), "1.2.3.dcm");
            using (var file = factory.Create())
            {
                file.Append("across"u8, " file systems"u8);
                file.Complete();
                file.Publish(destination, flushToDisk: !flushAfterwards);
                if (flushAfterwards)
                {
                    // The flush reaches the copy, not the unnamed original.
                    file.FlushToDisk();
                }
            }

            Assert.Equal("across file systems", File.ReadAllText(destination));
            Assert.Equal([destination], Directory.GetFileSystemEntries(Path.GetDirectoryName(destination)!));
            Assert.Empty(Directory.GetFileSystemEntries(shm));
        }
        finally
        {
            Directory.Delete(shm, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PublishingIntoAMissingDirectoryFailsAndKeepsUnnamedFiles(bool unnamed)
    {
        using var temp = new TempDirectory();
        var factory = new ReceivedFileFactory(temp.Sub(".incoming"), unnamed);
        using (var file = factory.Create())
        {
            file.Append("x"u8, default);
            file.Complete();
            Assert.ThrowsAny<IOException>(() => file.Publish(Path.Combine(temp.Path, "gone", "1.2.3.dcm"), flushToDisk: false));
            Assert.Null(file.PublishedPath);
        }

        // A missing directory says nothing about linking: the factory still makes unnamed files where it can.
        Assert.Equal(unnamed && OperatingSystem.IsLinux(), factory.CreatesUnnamedFiles);
        Assert.Equal([Path.Combine(temp.Path, ".incoming")], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void DisposedFileCannotBePublished()
    {
        using var temp = new TempDirectory();
        var file = new ReceivedFileFactory(temp.Sub(".incoming")).Create();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Publish(Path.Combine(temp.Path, "x.dcm"), flushToDisk: false));
    }

    /// <summary>The mount point holding <paramref name="path"/> (the longest mount point that is a prefix of it).</summary>
    private static string MountPointOf(string path)
    {
        var full = Path.GetFullPath(path);
        return File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4])
            .Where(mount => full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderByDescending(mount => mount.Length)
            .First();
    }
}
