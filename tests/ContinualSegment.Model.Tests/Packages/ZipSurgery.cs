using System.IO.Compression;

namespace ContinualSegment.Model.Tests.Packages;

/// <summary>Edits built packages the way an attacker or a broken copy would.</summary>
internal static class ZipSurgery
{
    public static byte[] ReadEntry(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Replaces (or adds) an entry with new content, keeping the zip consistent (CRC and sizes).</summary>
    public static void WriteEntry(string zipPath, string name, byte[] content)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        zip.GetEntry(name)?.Delete();
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(content);
    }

    public static void DeleteEntry(string zipPath, string name)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        zip.GetEntry(name)!.Delete();
    }

    /// <summary>Flips one byte of the raw zip file where <paramref name="needle"/> (stored, uncompressed data) occurs.</summary>
    public static void FlipStoredByte(string zipPath, byte[] needle, int offsetInNeedle)
    {
        var bytes = File.ReadAllBytes(zipPath);
        var at = bytes.AsSpan().IndexOf(needle);
        if (at < 0)
        {
            throw new InvalidOperationException("the payload bytes were not found stored in the zip");
        }

        bytes[at + offsetInNeedle] ^= 0x5A;
        File.WriteAllBytes(zipPath, bytes);
    }

    /// <summary>Writes a zip with the given entries (names used verbatim).</summary>
    public static void WriteRaw(string zipPath, IEnumerable<(string Name, byte[] Content)> entries)
    {
        using var stream = File.Create(zipPath);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(content);
        }
    }
}
