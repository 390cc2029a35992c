using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// Building, signing, verifying and installing decoder packages from files on disk (what <c>cseg package</c> and
/// <c>cseg decoders</c> do). Every method returns what it did; a refused package or unknown decoder throws
/// <see cref="DecoderPackageException"/> with the reason, other errors (missing files, I/O) propagate.
/// </summary>
public sealed class DecoderPackageService
{
    /// <summary>The software version written into a provenance given at export (the training software is not known then).</summary>
    public const string UnrecordedSoftwareVersion = "unrecorded";

    private readonly TimeProvider timeProvider;
    private readonly ILoggerFactory loggerFactory;

    /// <summary>Creates the service.</summary>
    /// <param name="timeProvider">The clock of the model directories it opens (default: the system's).</param>
    /// <param name="loggerFactory">Where installs and changes are logged (default: nowhere).</param>
    public DecoderPackageService(TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The model directory at <paramref name="root"/>, with this service's clock and logger.</summary>
    public ModelDirectory Open(string root) => new(root, null, timeProvider, loggerFactory.CreateLogger<ModelDirectory>());

    /// <summary>
    /// Builds a package from a manifest template (no files list needed), explicit payload files
    /// (<c>PATH=SOURCE</c>) and/or every file under a directory (kept at its relative path).
    /// </summary>
    /// <exception cref="ArgumentException">A file spec is not <c>PATH=SOURCE</c>.</exception>
    public static async Task<BuiltDecoderPackage> PackageAsync(
        string manifestPath,
        IReadOnlyList<string> fileSpecs,
        string? payloadDirectory,
        string outputPath,
        string? signingKeyPath,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        ArgumentNullException.ThrowIfNull(fileSpecs);
        var manifest = DecoderManifest.Parse(await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false));
        var payload = new List<PackagePayload>();
        foreach (var spec in fileSpecs)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == spec.Length - 1)
            {
                throw new ArgumentException($"'{spec}' is not PATH=SOURCE", nameof(fileSpecs));
            }

            payload.Add(new PackagePayload(spec[..eq], spec[(eq + 1)..]));
        }

        if (payloadDirectory is not null)
        {
            payload.AddRange(FromDirectory(payloadDirectory));
        }

        var key = signingKeyPath is null ? null : await File.ReadAllTextAsync(signingKeyPath, cancellationToken).ConfigureAwait(false);
        var written = await DecoderPackageBuilder.BuildAsync(manifest, payload, outputPath, key, cancellationToken).ConfigureAwait(false);
        return new BuiltDecoderPackage(outputPath, written, key is null ? null : PackageSigningKeys.KeyId(key));
    }

    /// <summary>Writes a new P-256 key pair; the private key file is created new, readable by its owner only.</summary>
    public static async Task<SigningKeyPair> KeygenAsync(string privateKeyPath, string publicKeyPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPath);
        ArgumentException.ThrowIfNullOrEmpty(publicKeyPath);
        var (privatePem, publicPem) = PackageSigningKeys.Create();
        await using (var stream = new FileStream(privateKeyPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(privatePem + "\n"), cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(publicKeyPath, publicPem + "\n", cancellationToken).ConfigureAwait(false);
        return new SigningKeyPair(PackageSigningKeys.KeyId(publicPem), privateKeyPath, publicKeyPath);
    }

    /// <summary>Checks a package's checksums and signature without installing it.</summary>
    public static async Task<VerifiedDecoderPackage> VerifyAsync(string packagePath, IReadOnlyList<string> trustedKeyFiles, bool requireSignature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trustedKeyFiles);
        var reader = new DecoderPackageReader(await ReaderOptionsAsync(trustedKeyFiles, requireSignature, null, cancellationToken).ConfigureAwait(false));
        return await reader.VerifyAsync(packagePath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Installs a package into a model directory.</summary>
    public async Task<InstalledDecoder> InstallAsync(DecoderInstallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new DecoderInstallOptions
        {
            Catalogue = await CatalogueCsv.LoadAsync(request.CataloguePath, cancellationToken).ConfigureAwait(false),
            Reader = await ReaderOptionsAsync(request.TrustedKeyFiles, request.RequireSignature, request.MaxBytes, cancellationToken).ConfigureAwait(false),
            Replace = request.Replace,
            Upgrade = request.Upgrade,
            Enable = !request.Disabled,
        };
        return await Open(request.ModelDirectory).InstallAsync(request.PackagePath, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Exports a decoder of a model directory as an installable package. The provenance given in the request is used
    /// only where the model has none recorded; it needs both the data set and the number of cases.
    /// </summary>
    /// <exception cref="ArgumentException">Only one of <see cref="DecoderExportRequest.Dataset"/> and <see cref="DecoderExportRequest.Cases"/> is given.</exception>
    public async Task<BuiltDecoderPackage> ExportAsync(DecoderExportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Dataset is null) != (request.Cases is null))
        {
            throw new ArgumentException("the data set and the number of cases of a decoder's provenance go together: give both or neither", nameof(request));
        }

        var model = Open(request.ModelDirectory);
        TrainingProvenance? provenance = null;
        if (request.Dataset is not null && request.Cases is { } cases)
        {
            var decoder = (await model.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => string.Equals(d.Id, request.DecoderId, StringComparison.Ordinal));
            var trainedAt = request.TrainedAt
                ?? (decoder?.WeightsPath is { } weights && File.Exists(weights) ? new DateTimeOffset(File.GetLastWriteTimeUtc(weights), TimeSpan.Zero) : timeProvider.GetUtcNow());
            provenance = new TrainingProvenance { Dataset = request.Dataset, Cases = cases, Seed = request.Seed ?? 0, TrainedAt = trainedAt, SoftwareVersion = UnrecordedSoftwareVersion };
        }

        var options = new DecoderExportOptions
        {
            Catalogue = await CatalogueCsv.LoadAsync(request.CataloguePath, cancellationToken).ConfigureAwait(false),
            Version = request.Version,
            SigningKeyPem = request.SigningKeyPath is null ? null : await File.ReadAllTextAsync(request.SigningKeyPath, cancellationToken).ConfigureAwait(false),
            Provenance = provenance,
        };
        return await model.ExportAsync(request.DecoderId, request.OutputPath, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every file under <paramref name="directory"/> as payload at its relative path (forward slashes).</summary>
    public static IReadOnlyList<PackagePayload> FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => new PackagePayload(Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), f))
            .OrderBy(p => p.PackagePath, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<DecoderPackageReaderOptions> ReaderOptionsAsync(IReadOnlyList<string> trustedKeyFiles, bool requireSignature, long? maxBytes, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        foreach (var file in trustedKeyFiles)
        {
            keys.Add(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }

        var defaults = new DecoderPackageReaderOptions();
        return new DecoderPackageReaderOptions
        {
            TrustedPublicKeys = keys,
            SignaturePolicy = requireSignature ? SignaturePolicy.Required : SignaturePolicy.Optional,
            MaxTotalBytes = maxBytes ?? defaults.MaxTotalBytes,
        };
    }
}
