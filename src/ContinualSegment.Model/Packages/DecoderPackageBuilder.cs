using System.IO.Compression;
using System.Security.Cryptography;
using ContinualSegment.Dicom.IO;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// Writes decoder packages. The zip is deterministic: <c>manifest.json</c> first, then
/// <c>manifest.sig</c> when signing, then the payload in ordinal path order; every entry carries the
/// same fixed timestamp; the manifest is deflated and the payload (weights compress poorly) stored.
/// </summary>
public static class DecoderPackageBuilder
{
    /// <summary>The timestamp every entry carries.</summary>
    public static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Builds a package at <paramref name="outputPath"/> (written to a temporary file, then moved).
    /// The manifest's <see cref="DecoderManifest.Files"/> is replaced by the payload's paths,
    /// SHA-256 and sizes.
    /// </summary>
    /// <param name="manifest">The manifest; its files list is ignored.</param>
    /// <param name="payload">The files to include (at least one).</param>
    /// <param name="outputPath">Where to write the zip.</param>
    /// <param name="signingKeyPem">A P-256 private key PEM to sign with, or null for an unsigned package.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The manifest as written.</returns>
    public static async Task<DecoderManifest> BuildAsync(
        DecoderManifest manifest,
        IReadOnlyList<PackagePayload> payload,
        string outputPath,
        string? signingKeyPem,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        if (payload.Count == 0)
        {
            throw new ArgumentException("a package needs at least one payload file", nameof(payload));
        }

        var ordered = payload.OrderBy(p => p.PackagePath, StringComparer.Ordinal).ToList();
        var files = new List<PackageFile>(ordered.Count);
        foreach (var item in ordered)
        {
            if (!File.Exists(item.SourcePath))
            {
                throw new FileNotFoundException($"payload file '{item.SourcePath}' does not exist", item.SourcePath);
            }

            var (sha, size) = await HashFileAsync(item.SourcePath, cancellationToken).ConfigureAwait(false);
            files.Add(new PackageFile(item.PackagePath, sha, size));
        }

        var final = manifest with { Files = files };
        final.Validate(requireFiles: true);
        var manifestBytes = final.ToJsonBytes();
        var signatureBytes = signingKeyPem is null ? null : PackageSignature.Create(manifestBytes, signingKeyPem).ToJsonBytes();

        var fullOutput = Path.GetFullPath(outputPath);
        var directory = Path.GetDirectoryName(fullOutput)!;
        Directory.CreateDirectory(directory);
        await DurableFile.ReplaceAsync(fullOutput, async (stream, ct) =>
            {
                using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
                {
                    await WriteEntryAsync(zip, DecoderPackageLayout.ManifestEntry, manifestBytes, CompressionLevel.Optimal, ct).ConfigureAwait(false);
                    if (signatureBytes is not null)
                    {
                        await WriteEntryAsync(zip, DecoderPackageLayout.SignatureEntry, signatureBytes, CompressionLevel.Optimal, ct).ConfigureAwait(false);
                    }

                    for (var i = 0; i < ordered.Count; i++)
                    {
                        await CopyFileEntryAsync(zip, files[i], ordered[i].SourcePath, ct).ConfigureAwait(false);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);

        return final;
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, byte[] bytes, CompressionLevel level, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = EntryTimestamp;
        await using var output = entry.Open();
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyFileEntryAsync(ZipArchive zip, PackageFile file, string sourcePath, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(file.Path, CompressionLevel.NoCompression);
        entry.LastWriteTime = EntryTimestamp;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (var output = entry.Open())
        await using (var input = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (size != file.Size || !string.Equals(sha, file.Sha256, StringComparison.Ordinal))
        {
            throw new IOException($"payload file '{sourcePath}' changed while the package was being built");
        }
    }

    private static async Task<(string Sha256, long Size)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var sha = await SHA256.HashDataAsync(input, cancellationToken).ConfigureAwait(false);
        return (Convert.ToHexStringLower(sha), input.Length);
    }
}
