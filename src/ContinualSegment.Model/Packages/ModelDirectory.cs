using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// An installed model directory: <c>plan.json</c> (its top-level <c>encoderFingerprint</c> names the
/// installed encoder), <c>encoder.bin</c>, and <c>decoders/</c> holding one folder per installed
/// decoder (the extracted package: <c>manifest.json</c>, <c>manifest.sig</c> when signed, payload)
/// plus <c>decoders/state.json</c> listing the enabled ids. Installs extract into a hidden staging
/// folder inside <c>decoders/</c> and appear by rename, so no half-installed decoder is ever visible.
/// Changes to the folder set and to <c>state.json</c> are serialised by an exclusive lock on
/// <c>decoders/.lock</c>, across threads and processes; <c>state.json</c> is replaced atomically.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>The state file's format.</summary>
    public const string StateFormat = "cseg-decoder-state/1";

    private const long MaxSmallFileBytes = 16 * 1024 * 1024;

    private static readonly JsonSerializerOptions StateJsonOptions = new() { WriteIndented = true };

    private readonly TimeSpan lockTimeout;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    /// <summary>Opens a model directory (nothing is read yet).</summary>
    /// <param name="root">The model directory.</param>
    /// <param name="lockTimeout">How long to wait for another change to finish (default 60 s).</param>
    /// <param name="timeProvider">The clock of the lock deadline and of the age of staging leftovers (default: the system's).</param>
    /// <param name="logger">Where installs, enables, disables and removals are logged (default: nowhere).</param>
    public ModelDirectory(string root, TimeSpan? lockTimeout = null, TimeProvider? timeProvider = null, ILogger<ModelDirectory>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<ModelDirectory>.Instance;
        Root = Path.GetFullPath(root);
        this.lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(60);
        if (this.lockTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lockTimeout), "the lock timeout must be positive");
        }
    }

    /// <summary>The model directory (full path).</summary>
    public string Root { get; }

    /// <summary>The folder of installed decoders.</summary>
    public string DecodersDirectory => Path.Combine(Root, DecoderPackageLayout.DecodersFolder);

    private string StatePath => Path.Combine(DecodersDirectory, DecoderPackageLayout.StateFile);

    /// <summary>Reads the installed encoder's fingerprint from <c>plan.json</c>.</summary>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.InvalidModelDirectory"/>.</exception>
    public async Task<string> ReadEncoderFingerprintAsync(CancellationToken cancellationToken)
    {
        var planPath = Path.Combine(Root, DecoderPackageLayout.PlanFile);
        if (!File.Exists(planPath))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidModelDirectory, $"{planPath} does not exist; install a base model (plan and encoder) before adding decoders");
        }

        JsonNode? plan;
        try
        {
            plan = JsonNode.Parse(await ReadSmallFileAsync(planPath, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException ex)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidModelDirectory, $"{planPath} is not valid JSON: {ex.Message}", ex);
        }

        var node = plan is JsonObject obj ? obj["encoderFingerprint"] : null;
        var fingerprint = node is JsonValue value && value.TryGetValue<string>(out var s) ? s.ToLowerInvariant() : null;
        if (!PackagePaths.IsSha256Hex(fingerprint))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidModelDirectory, $"{planPath} has no encoderFingerprint (64 hex digits); the encoder cannot be identified");
        }

        return fingerprint!;
    }

    /// <summary>Lists the installed decoders in id order.</summary>
    public async Task<IReadOnlyList<InstalledDecoder>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(DecodersDirectory))
        {
            return [];
        }

        var enabled = await ReadEnabledAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<InstalledDecoder>();
        foreach (var folder in Directory.EnumerateDirectories(DecodersDirectory).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(folder);
            if (!PackagePaths.IsValidId(id))
            {
                continue;
            }

            result.Add(await ReadInstalledAsync(id, folder, enabled.Contains(id), cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>Reads the ids listed as enabled in <c>state.json</c> (empty when there is none).</summary>
    public async Task<IReadOnlySet<string>> ReadEnabledAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        try
        {
            var node = JsonNode.Parse(await ReadSmallFileAsync(StatePath, cancellationToken).ConfigureAwait(false));
            if (node is not JsonObject obj
                || obj["format"]?.GetValue<string>() is not StateFormat
                || obj["enabled"] is not JsonArray array)
            {
                throw new InvalidDataException($"{StatePath} is not a '{StateFormat}' state file");
            }

            return array.Select(n => n?.GetValue<string>() ?? string.Empty).Where(PackagePaths.IsValidId).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{StatePath} is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Verifies and installs a package: everything <see cref="DecoderPackageReader"/> checks, plus the
    /// encoder fingerprint, the catalogue codes and the id not being installed already (unless
    /// <see cref="DecoderInstallOptions.Replace"/>, or <see cref="DecoderInstallOptions.Upgrade"/> with a newer version).
    /// </summary>
    /// <exception cref="DecoderPackageException">The package is refused; see its reason.</exception>
    public async Task<InstalledDecoder> InstallAsync(string packagePath, DecoderInstallOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var encoder = await ReadEncoderFingerprintAsync(cancellationToken).ConfigureAwait(false);
        var reader = new DecoderPackageReader(options.Reader);

        // Cheap checks first, before anything is written.
        var verified = await reader.VerifyAsync(packagePath, cancellationToken).ConfigureAwait(false);
        CheckCompatibility(verified.Manifest, encoder, options.Catalogue);

        Directory.CreateDirectory(DecodersDirectory);
        var staging = Path.Combine(DecodersDirectory, $".staging-{Guid.NewGuid():N}");
        try
        {
            // Extract and verify again: the file could have changed since the first pass.
            var extracted = await reader.ExtractAsync(packagePath, staging, cancellationToken).ConfigureAwait(false);
            var manifest = extracted.Manifest;
            CheckCompatibility(manifest, encoder, options.Catalogue);

            using (await AcquireLockAsync(cancellationToken).ConfigureAwait(false))
            {
                RemoveStaleLeftovers();
                var target = Path.Combine(DecodersDirectory, manifest.Id);
                string? retired = null;
                if (Directory.Exists(target))
                {
                    await CheckReplaceableAsync(manifest, target, options, cancellationToken).ConfigureAwait(false);
                    retired = Path.Combine(DecodersDirectory, $".retired-{Guid.NewGuid():N}");
                    Directory.Move(target, retired);
                }

                Directory.Move(staging, target);
                var enabled = new HashSet<string>(await ReadEnabledAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
                if (options.Enable)
                {
                    enabled.Add(manifest.Id);
                }
                else
                {
                    enabled.Remove(manifest.Id);
                }

                await WriteStateAsync(enabled, cancellationToken).ConfigureAwait(false);
                if (retired is not null)
                {
                    Directory.Delete(retired, recursive: true);
                }

                Log.DecoderInstalled(logger, manifest.Id, manifest.Version, Root, options.Enable, retired is not null);
                return new InstalledDecoder { Id = manifest.Id, Directory = target, Enabled = options.Enable, Manifest = manifest };
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Enables an installed decoder.</summary>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.UnknownDecoder"/>.</exception>
    public Task EnableAsync(string id, CancellationToken cancellationToken) => SetEnabledAsync(id, true, cancellationToken);

    /// <summary>Disables an installed decoder (it stays installed).</summary>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.UnknownDecoder"/>.</exception>
    public Task DisableAsync(string id, CancellationToken cancellationToken) => SetEnabledAsync(id, false, cancellationToken);

    /// <summary>Removes an installed decoder and its state.</summary>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.UnknownDecoder"/>.</exception>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        using (await AcquireLockAsync(cancellationToken).ConfigureAwait(false))
        {
            var folder = RequireInstalled(id);
            var retired = Path.Combine(DecodersDirectory, $".retired-{Guid.NewGuid():N}");
            Directory.Move(folder, retired);
            var enabled = new HashSet<string>(await ReadEnabledAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            enabled.Remove(id);
            await WriteStateAsync(enabled, cancellationToken).ConfigureAwait(false);
            Directory.Delete(retired, recursive: true);
            Log.DecoderRemoved(logger, id, Root);
        }
    }

    /// <summary>
    /// Checks a manifest against the installed encoder's fingerprint and the catalogue.
    /// </summary>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.EncoderMismatch"/> or <see cref="DecoderPackageRefusal.CatalogueMismatch"/>.
    /// </exception>
    public static void CheckCompatibility(DecoderManifest manifest, string encoderFingerprint, IReadOnlyDictionary<string, CatalogueCodes> catalogue)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(encoderFingerprint);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (!string.Equals(manifest.EncoderFingerprint, encoderFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new DecoderPackageException(DecoderPackageRefusal.EncoderMismatch, $"package was trained for encoder {manifest.EncoderFingerprint}, the installed encoder is {encoderFingerprint}");
        }

        foreach (var c in manifest.Classes)
        {
            if (!catalogue.TryGetValue(c.Name, out var codes))
            {
                throw new DecoderPackageException(DecoderPackageRefusal.CatalogueMismatch, $"class '{c.Name}' (label {c.Label}) is not in the catalogue");
            }

            RequireSame(c, "category", c.Category, codes.Category);
            RequireSame(c, "type", c.Type, codes.Type);
            if (c.Laterality is not null || codes.Laterality is not null)
            {
                RequireSame(c, "laterality", c.Laterality, codes.Laterality);
            }
        }
    }

    private static void RequireSame(DecoderClass c, string what, CodedConcept? package, CodedConcept? catalogue)
    {
        if (package is null || catalogue is null || !package.SameCodeAs(catalogue))
        {
            throw new DecoderPackageException(
                DecoderPackageRefusal.CatalogueMismatch,
                $"class '{c.Name}' (label {c.Label}) has {what} {package?.ToString() ?? "(none)"}, but the catalogue says {catalogue?.ToString() ?? "(none)"}");
        }
    }

    private static async Task CheckReplaceableAsync(DecoderManifest incoming, string target, DecoderInstallOptions options, CancellationToken cancellationToken)
    {
        if (options.Replace)
        {
            return;
        }

        string? installedVersion = null;
        try
        {
            var bytes = await ReadSmallFileAsync(Path.Combine(target, DecoderPackageLayout.ManifestEntry), cancellationToken).ConfigureAwait(false);
            installedVersion = DecoderManifest.Parse(bytes).Version;
        }
        catch (Exception ex) when (ex is DecoderPackageException or IOException)
        {
            // An unreadable installed decoder can only be replaced explicitly.
        }

        if (options.Upgrade && installedVersion is not null && DecoderVersion.Compare(incoming.Version, installedVersion) > 0)
        {
            return;
        }

        var hint = options.Upgrade
            ? $"version {incoming.Version} is not newer; use replace to install it anyway"
            : "use replace, or upgrade with a newer version";
        throw new DecoderPackageException(
            DecoderPackageRefusal.AlreadyInstalled,
            $"decoder '{incoming.Id}' version {installedVersion ?? "(unreadable)"} is already installed; {hint}");
    }

    private async Task SetEnabledAsync(string id, bool enable, CancellationToken cancellationToken)
    {
        using (await AcquireLockAsync(cancellationToken).ConfigureAwait(false))
        {
            RequireInstalled(id);
            var enabled = new HashSet<string>(await ReadEnabledAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            var changed = enable ? enabled.Add(id) : enabled.Remove(id);
            if (changed)
            {
                await WriteStateAsync(enabled, cancellationToken).ConfigureAwait(false);
            }

            Log.DecoderEnabledChanged(logger, id, Root, enable, changed);
        }
    }

    /// <summary>
    /// Removes what an interrupted change left behind (called under the lock): retired folders and
    /// state temporaries only ever exist inside the lock, staging folders are removed after a day.
    /// </summary>
    private void RemoveStaleLeftovers()
    {
        var dayAgo = timeProvider.GetUtcNow().UtcDateTime - TimeSpan.FromDays(1);
        foreach (var dir in Directory.EnumerateDirectories(DecodersDirectory, ".*"))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(".retired-", StringComparison.Ordinal)
                || (name.StartsWith(".staging-", StringComparison.Ordinal) && Directory.GetLastWriteTimeUtc(dir) < dayAgo))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        foreach (var file in Directory.EnumerateFiles(DecodersDirectory, $".{DecoderPackageLayout.StateFile}.*.tmp"))
        {
            File.Delete(file);
        }
    }

    private string RequireInstalled(string id)
    {
        var folder = PackagePaths.IsValidId(id) ? Path.Combine(DecodersDirectory, id) : null;
        if (folder is null || !Directory.Exists(folder))
        {
            var installed = Directory.Exists(DecodersDirectory)
                ? Directory.EnumerateDirectories(DecodersDirectory).Select(Path.GetFileName).Where(PackagePaths.IsValidId).Order(StringComparer.Ordinal).ToList()
                : [];
            var list = installed.Count == 0 ? "none is installed" : $"installed: {string.Join(", ", installed)}";
            throw new DecoderPackageException(DecoderPackageRefusal.UnknownDecoder, $"no decoder '{id}' is installed ({list})");
        }

        return folder;
    }

    private static async Task<InstalledDecoder> ReadInstalledAsync(string id, string folder, bool enabled, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await ReadSmallFileAsync(Path.Combine(folder, DecoderPackageLayout.ManifestEntry), cancellationToken).ConfigureAwait(false);
            var manifest = DecoderManifest.Parse(bytes);
            var problem = string.Equals(manifest.Id, id, StringComparison.Ordinal) ? null : $"its manifest names id '{manifest.Id}'";
            return new InstalledDecoder { Id = id, Directory = folder, Enabled = enabled, Manifest = manifest, Problem = problem };
        }
        catch (Exception ex) when (ex is DecoderPackageException or IOException or UnauthorizedAccessException)
        {
            return new InstalledDecoder { Id = id, Directory = folder, Enabled = enabled, Problem = ex.Message };
        }
    }

    private async Task WriteStateAsync(IEnumerable<string> enabled, CancellationToken cancellationToken)
    {
        var state = new JsonObject
        {
            ["format"] = StateFormat,
            ["enabled"] = new JsonArray(enabled.Order(StringComparer.Ordinal).Select(id => (JsonNode)JsonValue.Create(id)).ToArray()),
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(state.ToJsonString(StateJsonOptions) + "\n");
        await DurableFile.ReplaceAsync(StatePath, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DecodersDirectory);
        var path = Path.Combine(DecodersDirectory, DecoderPackageLayout.LockFile);
        var deadline = timeProvider.GetUtcNow() + lockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (timeProvider.GetUtcNow() < deadline)
            {
                await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(20), timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"another change to {DecodersDirectory} has held {path} for more than {lockTimeout.TotalSeconds:0} s", ex);
            }
        }
    }

    private static async Task<byte[]> ReadSmallFileAsync(string path, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxSmallFileBytes)
        {
            throw new InvalidDataException($"{path} is {length} bytes, more than {MaxSmallFileBytes}");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
