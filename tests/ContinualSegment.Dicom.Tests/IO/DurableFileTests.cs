using System.Text;
using ContinualSegment.Dicom.IO;

namespace ContinualSegment.Dicom.Tests.IO;

public sealed class DurableFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("cseg-durable-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void WriteAllText_creates_and_then_replaces_the_file_leaving_nothing_beside_it()
    {
        var path = Path.Combine(directory, "plan.json");
        DurableFile.WriteAllText(path, "first");
        DurableFile.WriteAllText(path, "second, longer");

        Assert.Equal("second, longer", File.ReadAllText(path));
        Assert.Equal(["plan.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temporary_file()
    {
        var path = Path.Combine(directory, "state.json");
        DurableFile.WriteAllText(path, "old");

        var error = Assert.Throws<InvalidOperationException>(() => DurableFile.Replace(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("half of the new con"));
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal("writer failed", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task ReplaceAsync_writes_through_the_stream_and_cancellation_keeps_the_old_file()
    {
        var path = Path.Combine(directory, "package.zip");
        await DurableFile.ReplaceAsync(path, (s, ct) => s.WriteAsync(new byte[] { 1, 2, 3 }, ct).AsTask(), CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(path));

        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DurableFile.ReplaceAsync(
            path,
            async (s, ct) =>
            {
                await s.WriteAsync(new byte[] { 9, 9 }, ct);
                await cancel.CancelAsync();
                ct.ThrowIfCancellationRequested();
            },
            cancel.Token));

        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(path));
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public void ReplaceFromPath_takes_the_file_a_path_writer_made_and_refuses_when_it_made_none()
    {
        var path = Path.Combine(directory, "encoder.bin");
        DurableFile.ReplaceFromPath(path, temporary =>
        {
            Assert.Equal(directory, Path.GetDirectoryName(temporary));
            Assert.NotEqual(path, temporary);
            File.WriteAllBytes(temporary, [7, 7]);
        });
        Assert.Equal(new byte[] { 7, 7 }, File.ReadAllBytes(path));

        var error = Assert.Throws<IOException>(() => DurableFile.ReplaceFromPath(path, _ => { }));
        Assert.Contains("created no file", error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 7, 7 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_directory_in_the_way_is_refused_with_its_name()
    {
        var path = Path.Combine(directory, "taken");
        Directory.CreateDirectory(path);

        var error = Assert.Throws<IOException>(() => DurableFile.WriteAllText(path, "x"));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void Flushing_a_missing_directory_names_the_reason()
    {
        var missing = Path.Combine(directory, "missing");
        var error = Assert.Throws<IOException>(() => DirectoryFlush.Flush(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
