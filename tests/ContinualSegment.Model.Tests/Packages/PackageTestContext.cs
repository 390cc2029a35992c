using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Tests.Packages;

/// <summary>A temporary folder with a model directory, the real catalogue and helpers to build packages.</summary>
internal sealed class PackageTestContext : IDisposable
{
    public PackageTestContext()
    {
        Root = Path.Combine(Path.GetTempPath(), "cseg-pkg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        EncoderFingerprint = RandomFingerprint();
        ModelRoot = Path.Combine(Root, "model");
        Directory.CreateDirectory(ModelRoot);
        File.WriteAllText(
            Path.Combine(ModelRoot, DecoderPackageLayout.PlanFile),
            new JsonObject { ["format"] = "test-plan", ["encoderFingerprint"] = EncoderFingerprint }.ToJsonString());
        File.WriteAllBytes(Path.Combine(ModelRoot, DecoderPackageLayout.EncoderFile), [1, 2, 3]);
        CataloguePath = FindCatalogue();
        Catalogue = CatalogueCsv.LoadAsync(CataloguePath, CancellationToken.None).GetAwaiter().GetResult();
    }

    public string Root { get; }

    public string ModelRoot { get; }

    public string EncoderFingerprint { get; }

    public string CataloguePath { get; }

    public IReadOnlyDictionary<string, CatalogueCodes> Catalogue { get; }

    public ModelDirectory Model => new(ModelRoot, TimeSpan.FromSeconds(20));

    public static string RandomFingerprint() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string FindCatalogue()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "catalogue", "organs-143.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("catalogue/organs-143.csv was not found above the test's folder");
    }

    public DecoderClass ClassFromCatalogue(int label, string name)
    {
        var codes = Catalogue[name];
        return new DecoderClass { Label = label, Name = name, Category = codes.Category, Type = codes.Type, Laterality = codes.Laterality };
    }

    public DecoderManifest Manifest(string id = "abdomen-extra", string version = "1.0.0", string? encoder = null, params DecoderClass[] classes) => new()
    {
        Id = id,
        Version = version,
        Task = "abdomen",
        Classes = classes.Length > 0 ? classes : [ClassFromCatalogue(1, "liver"), ClassFromCatalogue(2, "spleen"), ClassFromCatalogue(3, "kidney_left")],
        Genotype = JsonDocument.Parse("""{"stages":[{"block":"full","width":1.0},{"block":"p3d","width":0.5}]}""").RootElement.Clone(),
        Plan = JsonDocument.Parse("""{"id":"x","classCount":3,"stages":4}""").RootElement.Clone(),
        EncoderFingerprint = encoder ?? EncoderFingerprint,
        BodyPartRange = new BodyPartScoreRange(-3.5, 12.25),
        CalibrationTemperature = 1.3,
        Provenance = new TrainingProvenance { Dataset = "phantom-d2", Cases = 12, TrainedAt = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero), SoftwareVersion = "0.1.0", Seed = 7 },
        Metrics = new Dictionary<string, double> { ["meanDice"] = 0.87, ["liverDice"] = 0.93 },
    };

    /// <summary>Writes a random payload file and returns its path and content.</summary>
    public (string Path, byte[] Content) Payload(string name, int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        var path = Path.Combine(Root, "src-" + Guid.NewGuid().ToString("N"), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return (path, content);
    }

    public async Task<string> BuildAsync(DecoderManifest manifest, string? signingKeyPem = null, int payloadSize = 4096, string? fileName = null)
    {
        var (weights, _) = Payload("decoder.bin", payloadSize, manifest.Id.Length + payloadSize);
        var (config, _) = Payload("notes.txt", 100, 99);
        var output = Path.Combine(Root, fileName ?? $"{manifest.Id}-{manifest.Version}-{Guid.NewGuid():N}{DecoderPackageLayout.FileExtension}");
        await DecoderPackageBuilder.BuildAsync(
            manifest,
            [new PackagePayload("weights/decoder.bin", weights), new PackagePayload("notes.txt", config)],
            output,
            signingKeyPem,
            CancellationToken.None);
        return output;
    }

    /// <summary>
    /// Builds an unsigned package of a real decoder: its plan entry (as the plan file writes it) and genotype
    /// go into the manifest, its weights become the payload <c>weights/decoder.bin</c>.
    /// </summary>
    public async Task<string> BuildFromDecoderAsync(Decoder decoder, string encoderFingerprint, params DecoderClass[] classes)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var planJson = ModelPlanSerializer.ToJson(TinyPlans.Plan(decoder.Plan) with { EncoderFingerprint = encoderFingerprint });
        var entry = JsonNode.Parse(planJson)!["decoders"]![0]!;
        var weights = Path.Combine(Root, "src-" + Guid.NewGuid().ToString("N"), "decoder.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        decoder.save(weights);
        var manifest = Manifest(decoder.Plan.Id, encoder: encoderFingerprint, classes: classes) with
        {
            Task = decoder.Plan.Task,
            Plan = JsonDocument.Parse(entry.ToJsonString()).RootElement.Clone(),
            Genotype = JsonDocument.Parse(entry["genotype"]!.ToJsonString()).RootElement.Clone(),
            BodyPartRange = new BodyPartScoreRange(decoder.Plan.BodyPartRange.Min, decoder.Plan.BodyPartRange.Max),
            CalibrationTemperature = decoder.Plan.Temperature,
        };
        var output = Path.Combine(Root, $"{manifest.Id}-{manifest.Version}{DecoderPackageLayout.FileExtension}");
        await DecoderPackageBuilder.BuildAsync(manifest, [new PackagePayload("weights/decoder.bin", weights)], output, null, CancellationToken.None);
        return output;
    }

    public DecoderInstallOptions InstallOptions(SignaturePolicy policy = SignaturePolicy.Optional, IReadOnlyList<string>? trusted = null, long? maxBytes = null) => new()
    {
        Catalogue = Catalogue,
        Reader = new DecoderPackageReaderOptions
        {
            SignaturePolicy = policy,
            TrustedPublicKeys = trusted ?? [],
            MaxTotalBytes = maxBytes ?? 64L * 1024 * 1024,
        },
    };

    /// <summary>The ids listed as disabled in state.json, read directly.</summary>
    public string[] DisabledInStateFile() => StateFile()["disabled"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    /// <summary>The change counter of state.json, read directly.</summary>
    public long ChangeInStateFile() => StateFile()["change"]!.GetValue<long>();

    /// <summary>
    /// Makes the model directory a real one with decoders trained into it: a plan (with this context's encoder
    /// fingerprint) holding <paramref name="decoders"/>, and a stand-in weights file for each.
    /// </summary>
    public void WritePlanWith(params DecoderPlan[] decoders)
    {
        var plan = TinyPlans.Plan(decoders) with { EncoderFingerprint = EncoderFingerprint };
        ModelPlanSerializer.Save(plan with { Decoders = plan.Decoders.Select(d => d with { EncoderFingerprint = EncoderFingerprint }).ToArray() }, Path.Combine(ModelRoot, DecoderPackageLayout.PlanFile));
        Directory.CreateDirectory(Path.Combine(ModelRoot, DecoderPackageLayout.DecodersFolder));
        foreach (var d in decoders)
        {
            File.WriteAllBytes(Path.Combine(ModelRoot, DecoderPackageLayout.DecodersFolder, d.Id + ".bin"), [7, 7, (byte)d.Id.Length]);
        }
    }

    private JsonNode StateFile() => JsonNode.Parse(File.ReadAllText(Path.Combine(ModelRoot, DecoderPackageLayout.DecodersFolder, DecoderPackageLayout.StateFile)))!;

    /// <summary>Folders and files in decoders/ other than state.json, the lock file and installed ids.</summary>
    public string[] LeftoversInDecoders() =>
        Directory.Exists(Path.Combine(ModelRoot, DecoderPackageLayout.DecodersFolder))
            ? Directory.EnumerateFileSystemEntries(Path.Combine(ModelRoot, DecoderPackageLayout.DecodersFolder))
                .Select(Path.GetFileName)
                .Where(n => n!.StartsWith('.') && n != DecoderPackageLayout.LockFile)
                .Select(n => n!)
                .ToArray()
            : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
