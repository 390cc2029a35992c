using System.Text.Json;
using System.Text.Json.Serialization;
using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// The <c>manifest.json</c> of a decoder package (format <see cref="CurrentFormat"/>). It names the
/// decoder, its classes with their catalogue codes, its architecture (genotype and plan fragment,
/// whose schemas belong to the model code and are kept here as raw JSON), the encoder it was trained
/// on, the body-part range it is trusted in, its provenance and validation metrics, and every payload
/// file with its SHA-256 and size. Signing the manifest's bytes therefore covers every file.
/// </summary>
public sealed record DecoderManifest
{
    /// <summary>The manifest format this code writes and reads.</summary>
    public const string CurrentFormat = "cseg-decoder-package/1";

    /// <summary>The largest manifest accepted, in bytes.</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
    };

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        MaxDepth = 64,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The manifest format; must be <see cref="CurrentFormat"/>.</summary>
    [JsonPropertyName("format")]
    [JsonPropertyOrder(-10)]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>The decoder id: 1..64 characters of [a-z0-9._-], starting with a letter or digit.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The decoder version, <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>The task (partial label set) this decoder predicts, e.g. <c>headneck</c>.</summary>
    [JsonPropertyName("task")]
    public required string Task { get; init; }

    /// <summary>The classes, labels 1..n.</summary>
    [JsonPropertyName("classes")]
    public required IReadOnlyList<DecoderClass> Classes { get; init; }

    /// <summary>The decoder's architecture choice (schema owned by the model code).</summary>
    [JsonPropertyName("genotype")]
    public required JsonElement Genotype { get; init; }

    /// <summary>The decoder's plan fragment (schema owned by the model code).</summary>
    [JsonPropertyName("plan")]
    public required JsonElement Plan { get; init; }

    /// <summary>SHA-256 fingerprint of the encoder the decoder was trained on (64 lower-case hex digits).</summary>
    [JsonPropertyName("encoderFingerprint")]
    public required string EncoderFingerprint { get; init; }

    /// <summary>The body-part score range the decoder's training data covered.</summary>
    [JsonPropertyName("bodyPartRange")]
    public required BodyPartScoreRange BodyPartRange { get; init; }

    /// <summary>Softmax temperature from calibration (&gt; 0; 1 means uncalibrated).</summary>
    [JsonPropertyName("calibrationTemperature")]
    public double CalibrationTemperature { get; init; } = 1.0;

    /// <summary>Where the decoder came from.</summary>
    [JsonPropertyName("provenance")]
    public required TrainingProvenance Provenance { get; init; }

    /// <summary>Validation metrics by name, e.g. <c>meanDice</c>.</summary>
    [JsonPropertyName("metrics")]
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The payload files (filled in by <see cref="DecoderPackageBuilder"/>).</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<PackageFile> Files { get; init; } = [];

    /// <summary>Serialises the manifest (validated) as indented UTF-8 JSON.</summary>
    public byte[] ToJsonBytes()
    {
        Validate();
        return JsonSerializer.SerializeToUtf8Bytes(this, WriteOptions);
    }

    /// <summary>Parses and validates a manifest.</summary>
    /// <exception cref="DecoderPackageException">The JSON is malformed or a value is invalid.</exception>
    public static DecoderManifest Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxManifestBytes)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.TooLarge, $"manifest.json is larger than {MaxManifestBytes} bytes");
        }

        DecoderManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DecoderManifest>(utf8Json, ReadOptions);
        }
        catch (JsonException ex)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidManifest, $"manifest.json is not a valid manifest: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidManifest, "manifest.json is empty (null)");
        }

        manifest.Validate();
        return manifest;
    }

    /// <summary>Checks every value; throws a <see cref="DecoderPackageException"/> naming the first problem.</summary>
    public void Validate() => Validate(requireFiles: false);

    /// <summary>Checks every value, and optionally that the files list is not empty.</summary>
    internal void Validate(bool requireFiles)
    {
        Require(string.Equals(Format, CurrentFormat, StringComparison.Ordinal), $"format is '{Format}', expected '{CurrentFormat}'");
        Require(PackagePaths.IsValidId(Id), $"id '{Id}' is invalid: use 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        Require(DecoderVersion.IsValid(Version), $"version '{Version}' is invalid: use MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]");
        Require(!string.IsNullOrWhiteSpace(Task) && Task.Length <= 64, "task must be a non-empty name of at most 64 characters");
        Require(Classes is { Count: > 0 }, "classes must list at least one class");
        ValidateClasses();
        Require(Genotype.ValueKind == JsonValueKind.Object, "genotype must be a JSON object");
        Require(Plan.ValueKind == JsonValueKind.Object, "plan must be a JSON object");
        Require(PackagePaths.IsSha256Hex(EncoderFingerprint), "encoderFingerprint must be 64 lower-case hex digits (SHA-256)");
        Require(BodyPartRange is not null, "bodyPartRange is missing");
        Require(double.IsFinite(BodyPartRange!.Min) && double.IsFinite(BodyPartRange.Max) && BodyPartRange.Min < BodyPartRange.Max, $"bodyPartRange must have finite min < max (got {BodyPartRange.Min} .. {BodyPartRange.Max})");
        Require(double.IsFinite(CalibrationTemperature) && CalibrationTemperature > 0, $"calibrationTemperature must be a positive number (got {CalibrationTemperature})");
        Require(Provenance is not null, "provenance is missing");
        Require(!string.IsNullOrWhiteSpace(Provenance!.Dataset), "provenance.dataset is empty");
        Require(Provenance.Cases > 0, "provenance.cases must be positive");
        Require(!string.IsNullOrWhiteSpace(Provenance.SoftwareVersion), "provenance.softwareVersion is empty");
        Require(Metrics is not null, "metrics is missing");
        foreach (var (name, value) in Metrics!)
        {
            Require(!string.IsNullOrWhiteSpace(name) && double.IsFinite(value), $"metric '{name}' must have a name and a finite value");
        }

        Require(Files is not null, "files is missing");
        Require(!requireFiles || Files!.Count > 0, "files must list at least one payload file");
        ValidateFiles();
    }

    private void ValidateClasses()
    {
        var labels = new HashSet<int>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Classes)
        {
            Require(c is not null, "classes contains null");
            Require(c!.Label >= 1 && c.Label <= 65535, $"class '{c.Name}' has label {c.Label}; labels are 1..65535 (0 is background)");
            Require(labels.Add(c.Label), $"label {c.Label} is used twice");
            Require(IsSnakeCase(c.Name), $"class name '{c.Name}' must be a snake_case catalogue name");
            Require(names.Add(c.Name), $"class '{c.Name}' is listed twice");
            RequireConcept(c.Category, $"class '{c.Name}' category");
            RequireConcept(c.Type, $"class '{c.Name}' type");
            if (c.Laterality is not null)
            {
                RequireConcept(c.Laterality, $"class '{c.Name}' laterality");
            }
        }
    }

    private void ValidateFiles()
    {
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in Files)
        {
            Require(f is not null, "files contains null");
            var problem = PackagePaths.Problem(f!.Path);
            if (problem is not null)
            {
                throw new DecoderPackageException(DecoderPackageRefusal.UnsafePath, $"manifest lists '{f.Path}', which is not a safe package path: {problem}");
            }

            Require(!IsReservedName(f.Path), $"files must not list '{f.Path}'; that name is reserved");
            Require(paths.Add(f.Path), $"file '{f.Path}' is listed twice (names are compared ignoring case)");
            Require(PackagePaths.IsSha256Hex(f.Sha256), $"file '{f.Path}' sha256 must be 64 lower-case hex digits");
            Require(f.Size >= 0, $"file '{f.Path}' has a negative size");
        }
    }

    internal static bool IsReservedName(string path) =>
        string.Equals(path, DecoderPackageLayout.ManifestEntry, StringComparison.OrdinalIgnoreCase)
        || string.Equals(path, DecoderPackageLayout.SignatureEntry, StringComparison.OrdinalIgnoreCase);

    private static void RequireConcept(CodedConcept? concept, string what)
    {
        Require(concept is not null, $"{what} is missing");
        Require(!string.IsNullOrWhiteSpace(concept!.Code) && !string.IsNullOrWhiteSpace(concept.Scheme) && concept.Meaning is not null, $"{what} needs a code, a scheme and a meaning");
    }

    private static bool IsSnakeCase(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !char.IsAsciiLetterLower(name[0]))
        {
            return false;
        }

        foreach (var ch in name)
        {
            if (!(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidManifest, $"invalid manifest: {message}");
        }
    }
}
