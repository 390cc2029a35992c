using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Imaging;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// A model directory and its decoders, one kind of thing whichever way they came: <c>plan.json</c> (its top-level
/// <c>encoderFingerprint</c> names the encoder; its <c>decoders</c> are the decoders trained into the model, weights in
/// <c>decoders/&lt;id&gt;.bin</c>, what training recorded in <c>decoders/&lt;id&gt;.record.json</c>), <c>encoder.bin</c>, one folder
/// <c>decoders/&lt;id&gt;/</c> per decoder installed from a package (the extracted package: <c>manifest.json</c>,
/// <c>manifest.sig</c> when signed, payload), and <c>decoders/state.json</c> (<see cref="StateFormat"/>: the disabled ids
/// and a change counter). Every decoder is listed, enabled, disabled, removed and exported alike; the last enabled
/// decoder can be neither disabled nor removed. Installs extract into a hidden staging folder inside <c>decoders/</c>
/// and appear by rename, so no half-installed decoder is ever visible. Changes are serialised by an exclusive lock on
/// <c>decoders/.lock</c>, across threads and processes; <c>state.json</c> is replaced atomically (temporary file, rename)
/// and its counter grows with every change, so a reader (the node's workers) sees a change from the stamp alone.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>The state file's format.</summary>
    public const string StateFormat = "cseg-decoder-state/2";

    /// <summary>The first state file format (enabled package ids, no counter); still read.</summary>
    public const string StateFormatV1 = "cseg-decoder-state/1";

    /// <summary>The path inside an exported package of a trained decoder's weights.</summary>
    public const string ExportedWeightsPath = "weights/decoder.bin";

    private const string RecordExtension = ".record.json";

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

    /// <summary>The folder of decoders.</summary>
    public string DecodersDirectory => Path.Combine(Root, DecoderPackageLayout.DecodersFolder);

    /// <summary>The state file (<c>decoders/state.json</c>).</summary>
    public string StatePath => Path.Combine(DecodersDirectory, DecoderPackageLayout.StateFile);

    private string PlanPath => Path.Combine(Root, DecoderPackageLayout.PlanFile);

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

    /// <summary>
    /// Lists the decoders: those trained into the model in plan order, then the installed packages in id order (the
    /// order the segmentation pipeline runs them in).
    /// </summary>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.InvalidModelDirectory"/>: the plan cannot be read.</exception>
    /// <exception cref="InvalidDataException">The state file is malformed.</exception>
    public async Task<IReadOnlyList<InstalledDecoder>> ListAsync(CancellationToken cancellationToken)
    {
        var plan = await ReadPlanAsync(cancellationToken).ConfigureAwait(false);
        var packages = PackageIds();
        var state = await ReadStateAsync(packages, cancellationToken).ConfigureAwait(false);
        var result = new List<InstalledDecoder>();
        foreach (var d in plan?.Decoders ?? [])
        {
            var weights = ModelStore.DecoderPath(Root, d.Id);
            result.Add(new InstalledDecoder
            {
                Id = d.Id,
                Directory = DecodersDirectory,
                Enabled = !state.Disabled.Contains(d.Id),
                Origin = DecoderOrigin.Model,
                Plan = d,
                Record = await ReadRecordAsync(d.Id, cancellationToken).ConfigureAwait(false),
                WeightsPath = weights,
                Problem = File.Exists(weights) ? null : $"its weights file {weights} is missing",
            });
        }

        foreach (var id in packages)
        {
            if (plan?.FindDecoder(id) is not null)
            {
                continue;
            }

            result.Add(await ReadInstalledAsync(id, Path.Combine(DecodersDirectory, id), !state.Disabled.Contains(id), cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>Reads the enable/disable state (change 0 and nothing disabled when there is no state file).</summary>
    /// <exception cref="InvalidDataException">The state file is malformed.</exception>
    public Task<DecoderState> ReadStateAsync(CancellationToken cancellationToken) => ReadStateAsync(PackageIds(), cancellationToken);

    /// <summary>The ids of the enabled decoders, in pipeline order.</summary>
    public async Task<IReadOnlyList<string>> ReadEnabledAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(d => d.Enabled).Select(d => d.Id).ToList();

    /// <summary>
    /// The directory's stamp: reading it costs two file looks and a small read, so a reader can compare it before every
    /// job and reload only when it changed.
    /// </summary>
    /// <exception cref="InvalidDataException">The state file is malformed.</exception>
    public async Task<ModelDirectoryStamp> ReadStampAsync(CancellationToken cancellationToken)
    {
        var state = await ReadStateAsync([], cancellationToken).ConfigureAwait(false);
        var plan = new FileInfo(PlanPath);
        return plan.Exists ? new ModelDirectoryStamp(state.Change, plan.Length, plan.LastWriteTimeUtc) : new ModelDirectoryStamp(state.Change, -1, default);
    }

    /// <summary>
    /// Verifies and installs a package: everything <see cref="DecoderPackageReader"/> checks, plus the
    /// encoder fingerprint, the catalogue codes and the id not being in the model already (unless
    /// <see cref="DecoderInstallOptions.Replace"/>, or <see cref="DecoderInstallOptions.Upgrade"/> with a newer version;
    /// a decoder trained into the model counts as version <see cref="InstalledDecoder.ModelDecoderVersion"/>).
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
                var state = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
                var target = Path.Combine(DecodersDirectory, manifest.Id);
                var plan = await ReadPlanAsync(cancellationToken).ConfigureAwait(false);
                var inPlan = plan?.FindDecoder(manifest.Id) is not null;
                string? retired = null;
                if (inPlan)
                {
                    CheckReplaceable(manifest, InstalledDecoder.ModelDecoderVersion, options);
                }
                else if (Directory.Exists(target))
                {
                    await CheckReplaceableAsync(manifest, target, options, cancellationToken).ConfigureAwait(false);
                }

                var disabled = new HashSet<string>(state.Disabled, StringComparer.Ordinal);
                if (!options.Enable)
                {
                    // Disabled before it appears, so that no reader ever sees it enabled.
                    disabled.Add(manifest.Id);
                    state = await WriteStateAsync(state, disabled, cancellationToken).ConfigureAwait(false);
                }

                if (inPlan)
                {
                    RemoveFromPlan(plan!, manifest.Id);
                }

                if (Directory.Exists(target))
                {
                    retired = Path.Combine(DecodersDirectory, $".retired-{Guid.NewGuid():N}");
                    Directory.Move(target, retired);
                }

                Directory.Move(staging, target);
                if (options.Enable)
                {
                    disabled.Remove(manifest.Id);
                }

                await WriteStateAsync(state, disabled, cancellationToken).ConfigureAwait(false);
                if (retired is not null)
                {
                    Directory.Delete(retired, recursive: true);
                }

                Log.DecoderInstalled(logger, manifest.Id, manifest.Version, Root, options.Enable, retired is not null || inPlan);
                return new InstalledDecoder { Id = manifest.Id, Directory = target, Enabled = options.Enable, Manifest = manifest, WeightsPath = WeightsOf(manifest, target) };
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

    /// <summary>Enables a decoder.</summary>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.UnknownDecoder"/>.</exception>
    public Task EnableAsync(string id, CancellationToken cancellationToken) => SetEnabledAsync(id, true, cancellationToken);

    /// <summary>Disables a decoder (it stays in the model).</summary>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.UnknownDecoder"/>, or <see cref="DecoderPackageRefusal.LastEnabledDecoder"/> when it is the only enabled one.
    /// </exception>
    public Task DisableAsync(string id, CancellationToken cancellationToken) => SetEnabledAsync(id, false, cancellationToken);

    /// <summary>
    /// Removes a decoder: a package's folder, or a trained decoder's plan entry, weights and record (the plan is
    /// rewritten first, so the model never names weights that are gone).
    /// </summary>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.UnknownDecoder"/>, or <see cref="DecoderPackageRefusal.LastEnabledDecoder"/> when it is the only enabled one.
    /// </exception>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        using (await AcquireLockAsync(cancellationToken).ConfigureAwait(false))
        {
            var decoders = await ListAsync(cancellationToken).ConfigureAwait(false);
            var decoder = RequireKnown(decoders, id);
            RefuseLastEnabled(decoders, decoder, "remove");
            var state = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
            if (decoder.Origin == DecoderOrigin.Model)
            {
                RemoveFromPlan((await ReadPlanAsync(cancellationToken).ConfigureAwait(false))!, id);
            }
            else
            {
                var retired = Path.Combine(DecodersDirectory, $".retired-{Guid.NewGuid():N}");
                Directory.Move(decoder.Directory, retired);
                Directory.Delete(retired, recursive: true);
            }

            var disabled = new HashSet<string>(state.Disabled, StringComparer.Ordinal);
            disabled.Remove(id);
            await WriteStateAsync(state, disabled, cancellationToken).ConfigureAwait(false);
            Log.DecoderRemoved(logger, id, Root);
        }
    }

    /// <summary>
    /// Stores the calibration temperature of decoder <paramref name="id"/> (what the merger tempers its probabilities
    /// with): in <c>plan.json</c>'s entry for a decoder trained into the model, under the directory's lock, so that a
    /// running node sees the change by the directory's stamp. An installed package is refused: its manifest lists its files'
    /// checksums, may be signed by its publisher, and stays as published; calibrate the decoder in the model it was trained
    /// in before exporting it (the export carries the plan's temperature into the manifest's <c>calibrationTemperature</c>).
    /// </summary>
    /// <returns>The temperature it had before.</returns>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.UnknownDecoder"/> or <see cref="DecoderPackageRefusal.InstalledPackageIsFixed"/>.
    /// </exception>
    /// <exception cref="ModelPlanException">The temperature is not positive and finite.</exception>
    public async Task<double> SetCalibrationTemperatureAsync(string id, double temperature, CancellationToken cancellationToken)
    {
        if (!double.IsFinite(temperature) || temperature <= 0)
        {
            throw new ModelPlanException($"decoder '{id}': a calibration temperature must be positive and finite, not {temperature}");
        }

        using (await AcquireLockAsync(cancellationToken).ConfigureAwait(false))
        {
            var decoder = RequireTemperatureWritable(await ListAsync(cancellationToken).ConfigureAwait(false), id);
            var previous = decoder.Plan!.Temperature;
            ModelStore.SetTemperature(Root, id, temperature);
            Log.CalibrationTemperatureSet(logger, id, Root, previous, temperature);
            return previous;
        }
    }

    /// <summary>
    /// Checks, without changing anything, that <see cref="SetCalibrationTemperatureAsync"/> would accept decoder
    /// <paramref name="id"/>: it exists and was trained into the model.
    /// </summary>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.UnknownDecoder"/> or <see cref="DecoderPackageRefusal.InstalledPackageIsFixed"/>.
    /// </exception>
    public async Task EnsureTemperatureWritableAsync(string id, CancellationToken cancellationToken)
        => RequireTemperatureWritable(await ListAsync(cancellationToken).ConfigureAwait(false), id);

    /// <summary>
    /// Writes an installable package of decoder <paramref name="id"/> to <paramref name="outputPath"/>. A package is
    /// exported with its own manifest (and a new version when one is given); a decoder trained into the model gets a
    /// manifest filled from the model: its classes with the catalogue's codes, the encoder fingerprint, its body-part
    /// range and temperature, its plan entry and genotype, and the provenance and metrics training recorded (or, for a
    /// model trained before they were recorded, the provenance given in <paramref name="options"/>).
    /// </summary>
    /// <exception cref="DecoderPackageException">
    /// <see cref="DecoderPackageRefusal.UnknownDecoder"/>, <see cref="DecoderPackageRefusal.ProvenanceUnknown"/>,
    /// <see cref="DecoderPackageRefusal.CatalogueMismatch"/> or <see cref="DecoderPackageRefusal.InvalidManifest"/>.
    /// </exception>
    public async Task<BuiltDecoderPackage> ExportAsync(string id, string outputPath, DecoderExportOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        var decoder = RequireKnown(await ListAsync(cancellationToken).ConfigureAwait(false), id);
        if (decoder.Problem is not null)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidManifest, $"decoder '{id}' cannot be exported: {decoder.Problem}");
        }

        var encoder = await ReadEncoderFingerprintAsync(cancellationToken).ConfigureAwait(false);
        DecoderManifest manifest;
        List<PackagePayload> payload;
        if (decoder.Origin == DecoderOrigin.Package)
        {
            manifest = decoder.Manifest! with { Version = options.Version ?? decoder.Manifest!.Version };
            payload = manifest.Files.Select(f => new PackagePayload(f.Path, PackagePaths.Resolve(decoder.Directory, f.Path))).ToList();
        }
        else
        {
            manifest = ManifestOf(decoder, encoder, options);
            payload = [new PackagePayload(ExportedWeightsPath, decoder.WeightsPath!)];
        }

        CheckCompatibility(manifest, encoder, options.Catalogue);
        var written = await DecoderPackageBuilder.BuildAsync(manifest, payload, outputPath, options.SigningKeyPem, cancellationToken).ConfigureAwait(false);
        return new BuiltDecoderPackage(Path.GetFullPath(outputPath), written, options.SigningKeyPem is null ? null : PackageSigningKeys.KeyId(options.SigningKeyPem));
    }

    /// <summary>Writes what training knows about decoder <paramref name="id"/> of the plan (<c>decoders/&lt;id&gt;.record.json</c>), atomically.</summary>
    public static void WriteRecord(string modelDirectory, string id, DecoderRecord record)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(record);
        if (!PackagePaths.IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a decoder id", nameof(id));
        }

        var folder = Path.Combine(modelDirectory, DecoderPackageLayout.DecodersFolder);
        Directory.CreateDirectory(folder);
        DurableFile.WriteAllBytes(Path.Combine(folder, id + RecordExtension), JsonSerializer.SerializeToUtf8Bytes(record, StateJsonOptions));
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

    private static void CheckReplaceable(DecoderManifest incoming, string? installedVersion, DecoderInstallOptions options)
    {
        if (options.Replace)
        {
            return;
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

    private static async Task CheckReplaceableAsync(DecoderManifest incoming, string target, DecoderInstallOptions options, CancellationToken cancellationToken)
    {
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

        CheckReplaceable(incoming, installedVersion, options);
    }

    private async Task SetEnabledAsync(string id, bool enable, CancellationToken cancellationToken)
    {
        using (await AcquireLockAsync(cancellationToken).ConfigureAwait(false))
        {
            var decoders = await ListAsync(cancellationToken).ConfigureAwait(false);
            var decoder = RequireKnown(decoders, id);
            if (!enable)
            {
                RefuseLastEnabled(decoders, decoder, "disable");
            }

            var state = await ReadStateAsync(cancellationToken).ConfigureAwait(false);
            var disabled = new HashSet<string>(state.Disabled, StringComparer.Ordinal);
            var changed = enable ? disabled.Remove(id) : disabled.Add(id);
            if (changed)
            {
                await WriteStateAsync(state, disabled, cancellationToken).ConfigureAwait(false);
            }

            Log.DecoderEnabledChanged(logger, id, Root, enable, changed);
        }
    }

    private static void RefuseLastEnabled(IReadOnlyList<InstalledDecoder> decoders, InstalledDecoder decoder, string verb)
    {
        if (decoder.Enabled && !decoders.Any(d => d.Enabled && !string.Equals(d.Id, decoder.Id, StringComparison.Ordinal)))
        {
            throw new DecoderPackageException(
                DecoderPackageRefusal.LastEnabledDecoder,
                $"cannot {verb} decoder '{decoder.Id}': it is the only enabled decoder and the model would segment nothing; enable or install another decoder first");
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

    private static InstalledDecoder RequireTemperatureWritable(IReadOnlyList<InstalledDecoder> decoders, string id)
    {
        var decoder = RequireKnown(decoders, id);
        if (decoder.Origin != DecoderOrigin.Model || decoder.Plan is null)
        {
            throw new DecoderPackageException(
                DecoderPackageRefusal.InstalledPackageIsFixed,
                $"decoder '{id}' was installed from a package, whose manifest (and its signature) stays as published; store its temperature in the model it was trained in and export it again, then install that package with upgrade");
        }

        return decoder;
    }

    private static InstalledDecoder RequireKnown(IReadOnlyList<InstalledDecoder> decoders, string id)
    {
        var found = decoders.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.Ordinal));
        if (found is null)
        {
            var list = decoders.Count == 0 ? "the model has none" : $"the model has: {string.Join(", ", decoders.Select(d => d.Id))}";
            throw new DecoderPackageException(DecoderPackageRefusal.UnknownDecoder, $"no decoder '{id}' is installed ({list})");
        }

        return found;
    }

    private static async Task<InstalledDecoder> ReadInstalledAsync(string id, string folder, bool enabled, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await ReadSmallFileAsync(Path.Combine(folder, DecoderPackageLayout.ManifestEntry), cancellationToken).ConfigureAwait(false);
            var manifest = DecoderManifest.Parse(bytes);
            var problem = string.Equals(manifest.Id, id, StringComparison.Ordinal) ? null : $"its manifest names id '{manifest.Id}'";
            return new InstalledDecoder { Id = id, Directory = folder, Enabled = enabled, Manifest = manifest, WeightsPath = WeightsOf(manifest, folder), Problem = problem };
        }
        catch (Exception ex) when (ex is DecoderPackageException or IOException or UnauthorizedAccessException)
        {
            return new InstalledDecoder { Id = id, Directory = folder, Enabled = enabled, Problem = ex.Message };
        }
    }

    private static string? WeightsOf(DecoderManifest manifest, string folder)
    {
        var weights = manifest.Files.Select(f => f.Path).Where(p => p.EndsWith(".bin", StringComparison.Ordinal)).ToArray();
        return weights.Length == 1 ? PackagePaths.Resolve(folder, weights[0]) : null;
    }

    private static DecoderManifest ManifestOf(InstalledDecoder decoder, string encoder, DecoderExportOptions options)
    {
        var plan = decoder.Plan!;
        var provenance = decoder.Record?.Provenance ?? options.Provenance ?? throw new DecoderPackageException(
            DecoderPackageRefusal.ProvenanceUnknown,
            $"decoder '{plan.Id}' has no recorded provenance (its model was trained before provenance was recorded); give the training data set and its number of cases");
        if (!double.IsFinite(plan.BodyPartRange.Min) || !double.IsFinite(plan.BodyPartRange.Max) || plan.BodyPartRange.Min >= plan.BodyPartRange.Max)
        {
            throw new DecoderPackageException(
                DecoderPackageRefusal.InvalidManifest,
                $"decoder '{plan.Id}' has no body-part range recorded (min {plan.BodyPartRange.Min}, max {plan.BodyPartRange.Max}); train the model's body-part regressor (cseg train bodypart) before exporting it");
        }

        var classes = new List<DecoderClass>();
        for (var i = 0; i < plan.Classes.Count; i++)
        {
            var name = plan.Classes[i];
            if (!options.Catalogue.TryGetValue(name, out var codes))
            {
                throw new DecoderPackageException(DecoderPackageRefusal.CatalogueMismatch, $"class '{name}' (label {i + 1}) of decoder '{plan.Id}' is not in the catalogue");
            }

            classes.Add(new DecoderClass { Label = i + 1, Name = name, Category = codes.Category, Type = codes.Type, Laterality = codes.Laterality });
        }

        var entry = plan with { EncoderFingerprint = encoder };
        using var json = JsonDocument.Parse(ModelPlanSerializer.DecoderToJson(entry));
        return new DecoderManifest
        {
            Id = plan.Id,
            Version = options.Version ?? InstalledDecoder.ModelDecoderVersion,
            Task = plan.Task,
            Classes = classes,
            Genotype = json.RootElement.GetProperty("genotype").Clone(),
            Plan = json.RootElement.Clone(),
            EncoderFingerprint = encoder,
            BodyPartRange = new BodyPartScoreRange(plan.BodyPartRange.Min, plan.BodyPartRange.Max),
            CalibrationTemperature = plan.Temperature,
            Provenance = provenance,
            Metrics = decoder.Record?.Metrics ?? new Dictionary<string, double>(),
        };
    }

    private void RemoveFromPlan(ModelPlan plan, string id)
    {
        var updated = plan with { Decoders = plan.Decoders.Where(d => !string.Equals(d.Id, id, StringComparison.Ordinal)).ToArray() };
        ModelPlanSerializer.Save(updated, PlanPath);
        File.Delete(ModelStore.DecoderPath(Root, id));
        File.Delete(Path.Combine(DecodersDirectory, id + RecordExtension));
    }

    /// <summary>The plan, or null when <c>plan.json</c> has no <c>decoders</c> (a bare encoder description).</summary>
    private async Task<ModelPlan?> ReadPlanAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(PlanPath))
        {
            return null;
        }

        string text;
        try
        {
            text = System.Text.Encoding.UTF8.GetString(await ReadSmallFileAsync(PlanPath, cancellationToken).ConfigureAwait(false));
            if (JsonNode.Parse(text) is not JsonObject obj || obj["decoders"] is null)
            {
                return null;
            }

            return ModelPlanSerializer.Parse(text);
        }
        catch (Exception ex) when (ex is JsonException or ModelPlanException or InvalidDataException)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidModelDirectory, $"{PlanPath} cannot be read: {ex.Message}", ex);
        }
    }

    private List<string> PackageIds() =>
        Directory.Exists(DecodersDirectory)
            ? Directory.EnumerateDirectories(DecodersDirectory).Select(Path.GetFileName).Where(PackagePaths.IsValidId).Select(n => n!).Order(StringComparer.Ordinal).ToList()
            : [];

    private Task<DecoderRecord?> ReadRecordAsync(string id, CancellationToken cancellationToken) => ReadRecordAsync(Root, id, cancellationToken);

    /// <summary>
    /// What training recorded beside decoder <paramref name="id"/> of the plan (<c>decoders/&lt;id&gt;.record.json</c>); null
    /// when there is no record or it cannot be read (such a decoder counts as having none).
    /// </summary>
    public static async Task<DecoderRecord?> ReadRecordAsync(string modelDirectory, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        if (!PackagePaths.IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a decoder id", nameof(id));
        }

        var path = Path.Combine(modelDirectory, DecoderPackageLayout.DecodersFolder, id + RecordExtension);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize<DecoderRecord>(await ReadSmallFileAsync(path, cancellationToken).ConfigureAwait(false));
            return record is { Format: DecoderRecord.CurrentFormat, Provenance: not null } ? record : null;
        }
        catch (JsonException)
        {
            // An unreadable record is no record: provenance must then be given to export.
            return null;
        }
    }

    private async Task<DecoderState> ReadStateAsync(IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return new DecoderState(0, new HashSet<string>(StringComparer.Ordinal));
        }

        try
        {
            var node = JsonNode.Parse(await ReadSmallFileAsync(StatePath, cancellationToken).ConfigureAwait(false));
            var format = node is JsonObject o ? o["format"]?.GetValue<string>() : null;
            if (node is JsonObject v2 && format == StateFormat && v2["disabled"] is JsonArray disabled && v2["change"] is JsonValue change)
            {
                return new DecoderState(change.GetValue<long>(), Ids(disabled));
            }

            if (node is JsonObject v1 && format == StateFormatV1 && v1["enabled"] is JsonArray enabled)
            {
                // The first format listed the enabled packages; the plan's decoders were always enabled.
                var on = Ids(enabled);
                return new DecoderState(0, packages.Where(id => !on.Contains(id)).ToHashSet(StringComparer.Ordinal));
            }

            throw new InvalidDataException($"{StatePath} is not a '{StateFormat}' state file");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{StatePath} is malformed: {ex.Message}", ex);
        }

        static HashSet<string> Ids(JsonArray array) =>
            array.Select(n => n?.GetValue<string>() ?? string.Empty).Where(PackagePaths.IsValidId).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<DecoderState> WriteStateAsync(DecoderState previous, IEnumerable<string> disabled, CancellationToken cancellationToken)
    {
        var next = new DecoderState(previous.Change + 1, disabled.ToHashSet(StringComparer.Ordinal));
        var state = new JsonObject
        {
            ["format"] = StateFormat,
            ["change"] = next.Change,
            ["disabled"] = new JsonArray(next.Disabled.Order(StringComparer.Ordinal).Select(id => (JsonNode)JsonValue.Create(id)).ToArray()),
        };
        var bytes = System.Text.Encoding.UTF8.GetBytes(state.ToJsonString(StateJsonOptions) + "\n");
        await DurableFile.ReplaceAsync(StatePath, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        return next;
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
