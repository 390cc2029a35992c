namespace ContinualSegment.Dicom.IO;

/// <summary>
/// The one atomic, durable file replace: the content is written to a temporary file beside the target, flushed to
/// disk, renamed over the target, and the directory is flushed. A reader sees the old file or the new one, never a
/// part; after a crash the target holds one of the two. A failed write leaves the target untouched and no temporary file.
/// </summary>
public static class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with the bytes <paramref name="write"/> writes into the stream it is given.</summary>
    /// <exception cref="IOException">Writing, flushing or renaming failed; the target is unchanged.</exception>
    public static void Replace(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ReplaceFromPath(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920);
            write(stream);
        });
    }

    /// <summary>Replaces <paramref name="path"/> with the bytes <paramref name="writeAsync"/> writes into the stream it is given.</summary>
    /// <exception cref="IOException">Writing, flushing or renaming failed; the target is unchanged.</exception>
    public static async Task ReplaceAsync(string path, Func<Stream, CancellationToken, Task> writeAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeAsync);
        var (full, temp) = Prepare(path);
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await writeAsync(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Commit(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with the given bytes.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var (full, temp) = Prepare(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 without a byte order mark.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with the file that <paramref name="writeTemporary"/> creates at the temporary path
    /// it is given (for writers that only take a path, such as a tensor library's save). The file is flushed, then renamed.
    /// </summary>
    /// <exception cref="IOException">The writer created no file, or flushing or renaming failed; the target is unchanged.</exception>
    public static void ReplaceFromPath(string path, Action<string> writeTemporary)
    {
        ArgumentNullException.ThrowIfNull(writeTemporary);
        var (full, temp) = Prepare(path);
        try
        {
            writeTemporary(temp);
            if (!File.Exists(temp))
            {
                throw new IOException($"Could not write {full}: the writer created no file.");
            }

            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1))
            {
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The temporary name used beside <paramref name="fullPath"/>: hidden, unique, recognisable as ours.</summary>
    internal static string TemporaryPathFor(string fullPath)
    {
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{fullPath}' has no directory.", nameof(fullPath));
        return Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
    }

    private static (string Full, string Temp) Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"Could not write {full}: it is a directory.");
        }

        return (full, TemporaryPathFor(full));
    }

    private static void Commit(string temp, string full)
    {
        File.Move(temp, full, overwrite: true);
        DirectoryFlush.Flush(Path.GetDirectoryName(full)!);
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The temporary file could not be removed; the target is unchanged either way.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
