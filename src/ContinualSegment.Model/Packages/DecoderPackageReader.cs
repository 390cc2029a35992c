using System.IO.Compression;
using System.Security.Cryptography;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// Opens decoder packages safely and verifies them: every entry name is a safe relative path; only
/// <c>manifest.json</c>, <c>manifest.sig</c> and the files the manifest lists may be present and every
/// listed file must be; declared sizes are checked against the limits before anything is extracted
/// and bytes are counted while streaming (a lying zip header cannot inflate past them); every file's
/// SHA-256 is verified; the signature is checked against the trusted keys under the signature policy.
/// </summary>
public sealed class DecoderPackageReader
{
    private const int BufferSize = 1 << 16;

    private readonly DecoderPackageReaderOptions options;
    private readonly IReadOnlyDictionary<string, string> trustedKeys;

    /// <summary>Creates a reader.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="DecoderPackageException">A trusted key is not a P-256 PEM key.</exception>
    public DecoderPackageReader(DecoderPackageReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        trustedKeys = PackageSigningKeys.ById(options.TrustedPublicKeys);
    }

    /// <summary>Verifies a package without extracting it.</summary>
    /// <exception cref="DecoderPackageException">The package is refused; see its reason.</exception>
    public Task<VerifiedDecoderPackage> VerifyAsync(string packagePath, CancellationToken cancellationToken) =>
        ReadAsync(packagePath, null, cancellationToken);

    /// <summary>
    /// Verifies a package while extracting it to <paramref name="destinationDirectory"/> (which must
    /// not exist or be empty): the manifest, its signature when present, and the listed files. On
    /// refusal the destination is deleted again.
    /// </summary>
    /// <exception cref="DecoderPackageException">The package is refused; see its reason.</exception>
    public async Task<VerifiedDecoderPackage> ExtractAsync(string packagePath, string destinationDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        if (Directory.Exists(destinationDirectory) && Directory.EnumerateFileSystemEntries(destinationDirectory).Any())
        {
            throw new IOException($"the destination folder '{destinationDirectory}' is not empty");
        }

        Directory.CreateDirectory(destinationDirectory);
        try
        {
            return await ReadAsync(packagePath, destinationDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Directory.Delete(destinationDirectory, recursive: true);
            throw;
        }
    }

    private async Task<VerifiedDecoderPackage> ReadAsync(string packagePath, string? destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        if (!File.Exists(packagePath))
        {
            throw new FileNotFoundException($"package '{packagePath}' does not exist", packagePath);
        }

        await using var stream = new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidManifest, $"'{packagePath}' is not a valid zip archive: {ex.Message}", ex);
        }

        using (zip)
        {
            return await ReadArchiveAsync(zip, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VerifiedDecoderPackage> ReadArchiveAsync(ZipArchive zip, string? destination, CancellationToken cancellationToken)
    {
        if (zip.Entries.Count > options.MaxEntries)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.TooLarge, $"package has {zip.Entries.Count} entries, more than the limit of {options.MaxEntries}");
        }

        var entries = IndexEntries(zip);

        if (!entries.TryGetValue(DecoderPackageLayout.ManifestEntry, out var manifestEntry))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.MissingFile, $"package has no {DecoderPackageLayout.ManifestEntry}");
        }

        var manifestBytes = await ReadSmallEntryAsync(manifestEntry, DecoderManifest.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        byte[]? signatureBytes = null;
        if (entries.TryGetValue(DecoderPackageLayout.SignatureEntry, out var signatureEntry))
        {
            signatureBytes = await ReadSmallEntryAsync(signatureEntry, PackageSignature.MaxBytes, cancellationToken).ConfigureAwait(false);
        }

        var (status, signer) = CheckSignature(manifestBytes, signatureBytes);
        var manifest = DecoderManifest.Parse(manifestBytes);
        manifest.Validate(requireFiles: true);

        var listed = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var name in entries.Keys)
        {
            if (!DecoderManifest.IsReservedName(name) && !listed.ContainsKey(name))
            {
                throw new DecoderPackageException(DecoderPackageRefusal.UnlistedFile, $"package holds '{name}', which manifest.json does not list");
            }
        }

        long declared = 0;
        foreach (var file in manifest.Files)
        {
            if (!entries.TryGetValue(file.Path, out var entry))
            {
                throw new DecoderPackageException(DecoderPackageRefusal.MissingFile, $"manifest.json lists '{file.Path}', which is not in the package");
            }

            declared += file.Size;
            if (file.Size > options.MaxTotalBytes || declared > options.MaxTotalBytes)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.TooLarge, $"package declares more than {options.MaxTotalBytes} bytes of files (limit); '{file.Path}' alone is {file.Size} bytes");
            }

            if (entry.Length != file.Size)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.ChecksumMismatch, $"'{file.Path}' is {entry.Length} bytes in the zip but manifest.json says {file.Size}");
            }
        }

        if (destination is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(destination, DecoderPackageLayout.ManifestEntry), manifestBytes, cancellationToken).ConfigureAwait(false);
            if (signatureBytes is not null)
            {
                await File.WriteAllBytesAsync(Path.Combine(destination, DecoderPackageLayout.SignatureEntry), signatureBytes, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var file in manifest.Files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            await CopyVerifiedAsync(entries[file.Path], file, destination, cancellationToken).ConfigureAwait(false);
        }

        return new VerifiedDecoderPackage(manifest, Convert.ToHexStringLower(SHA256.HashData(manifestBytes)), status, signer);
    }

    private static Dictionary<string, ZipArchiveEntry> IndexEntries(ZipArchive zip)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            var isDirectory = name.EndsWith('/') && entry.Length == 0;
            var checkedName = isDirectory ? name[..^1] : name;
            var problem = PackagePaths.Problem(checkedName);
            if (problem is not null)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.UnsafePath, $"package entry '{name}' is unsafe: {problem}");
            }

            if (!seen.Add(checkedName + (isDirectory ? "/" : string.Empty)))
            {
                throw new DecoderPackageException(DecoderPackageRefusal.UnsafePath, $"package entry '{name}' appears more than once (names are compared ignoring case)");
            }

            if (!isDirectory)
            {
                entries.Add(name, entry);
            }
        }

        return entries;
    }

    private (SignatureStatus Status, string? Signer) CheckSignature(byte[] manifestBytes, byte[]? signatureBytes)
    {
        if (signatureBytes is null)
        {
            if (options.SignaturePolicy == SignaturePolicy.Required)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.NotSigned, "package is not signed and signatures are required");
            }

            return (SignatureStatus.Unsigned, null);
        }

        var signature = PackageSignature.Parse(signatureBytes);
        if (trustedKeys.Count == 0)
        {
            if (options.SignaturePolicy == SignaturePolicy.Required)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.UntrustedSignature, "package is signed but no trusted keys are configured, and signatures are required");
            }

            return (SignatureStatus.NotChecked, null);
        }

        return (SignatureStatus.Verified, signature.Verify(manifestBytes, trustedKeys));
    }

    private static async Task<byte[]> ReadSmallEntryAsync(ZipArchiveEntry entry, int limit, CancellationToken cancellationToken)
    {
        if (entry.Length > limit)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.TooLarge, $"{entry.FullName} is {entry.Length} bytes, more than the limit of {limit}");
        }

        using var buffer = new MemoryStream((int)entry.Length);
        try
        {
            await using var input = entry.Open();
            var chunk = new byte[8192];
            int read;
            while ((read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new DecoderPackageException(DecoderPackageRefusal.TooLarge, $"{entry.FullName} expands beyond {limit} bytes");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.ChecksumMismatch, $"{entry.FullName} is corrupt in the zip: {ex.Message}", ex);
        }

        return buffer.ToArray();
    }

    private static async Task CopyVerifiedAsync(ZipArchiveEntry entry, PackageFile file, string? destination, CancellationToken cancellationToken)
    {
        string? target = null;
        if (destination is not null)
        {
            target = PackagePaths.Resolve(destination, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long count = 0;
        try
        {
            await using var input = entry.Open();
            await using var output = target is null
                ? Stream.Null
                : new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                count += read;
                if (count > file.Size)
                {
                    throw new DecoderPackageException(DecoderPackageRefusal.TooLarge, $"'{file.Path}' expands beyond its declared {file.Size} bytes");
                }

                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            if (output is FileStream fs)
            {
                await fs.FlushAsync(cancellationToken).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.ChecksumMismatch, $"'{file.Path}' is corrupt in the zip: {ex.Message}", ex);
        }

        if (count != file.Size)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.ChecksumMismatch, $"'{file.Path}' holds {count} bytes but manifest.json says {file.Size}");
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(sha, file.Sha256, StringComparison.Ordinal))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.ChecksumMismatch, $"'{file.Path}' has SHA-256 {sha}, but manifest.json says {file.Sha256}; the file was altered or corrupted");
        }
    }
}
