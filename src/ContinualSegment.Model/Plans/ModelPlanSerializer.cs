using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ContinualSegment.Dicom.IO;

namespace ContinualSegment.Model.Plans;

/// <summary>Reads, writes and validates plan files (<c>plan.json</c>).</summary>
public static partial class ModelPlanSerializer
{
    /// <summary>Plan files larger than this are refused before they are read.</summary>
    public const long MaxPlanBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The plan as JSON text (validated first).</summary>
    public static string ToJson(ModelPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Validate(plan);
        return JsonSerializer.Serialize(plan, Options);
    }

    /// <summary>One decoder entry as plan-file JSON (what <see cref="ParseDecoder"/> reads back).</summary>
    public static string DecoderToJson(DecoderPlan decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return JsonSerializer.Serialize(decoder, Options);
    }

    /// <summary>Parses and validates a plan.</summary>
    /// <exception cref="ModelPlanException">The text is not a valid plan.</exception>
    public static ModelPlan Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ModelPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<ModelPlan>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new ModelPlanException($"plan is not valid JSON for {ModelPlan.CurrentFormat}: {ex.Message}", ex);
        }

        if (plan is null)
        {
            throw new ModelPlanException("plan is empty (JSON null)");
        }

        Validate(plan);
        return plan;
    }

    /// <summary>Reads and validates the plan at <paramref name="path"/>.</summary>
    public static ModelPlan Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelPlanException($"plan file not found: {path}");
        }

        if (info.Length > MaxPlanBytes)
        {
            throw new ModelPlanException($"plan file {path} is {info.Length} bytes; the limit is {MaxPlanBytes}");
        }

        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (ModelPlanException ex)
        {
            throw new ModelPlanException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Validates and writes the plan to <paramref name="path"/> (atomically and durably: <see cref="DurableFile"/>).</summary>
    public static void Save(ModelPlan plan, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = ToJson(plan);
        DurableFile.WriteAllText(path, json);
    }

    /// <summary>Checks every rule of the format; throws on the first violation.</summary>
    /// <exception cref="ModelPlanException">A rule is violated; the message names the field.</exception>
    public static void Validate(ModelPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Require(string.Equals(plan.Format, ModelPlan.CurrentFormat, StringComparison.Ordinal), $"format is '{plan.Format}', expected '{ModelPlan.CurrentFormat}'");
        Require(plan.TargetSpacing is { Count: 3 } && plan.TargetSpacing.All(s => double.IsFinite(s) && s > 0), "targetSpacing must hold 3 positive finite values (z, y, x)");
        Require(plan.PatchSize is { Count: 3 } && plan.PatchSize.All(s => s is > 0 and <= 1024), "patchSize must hold 3 values in 1..1024 (z, y, x)");
        Require(plan.InputChannels is > 0 and <= 16, "inputChannels must be in 1..16");
        ValidateNormalization(plan.Normalization);

        var stages = plan.Encoder?.Stages;
        Require(stages is { Count: >= 2 and <= 8 }, "encoder.stages must hold 2..8 stages");
        var total = new[] { 1, 1, 1 };
        for (var i = 0; i < stages!.Count; i++)
        {
            var s = stages[i];
            var where = $"encoder.stages[{i}]";
            Require(s is not null, $"{where} is null");
            Require(s!.Width is > 0 and <= 1024, $"{where}.width must be in 1..1024");
            Require(s.KernelSize is { Count: 3 } && s.KernelSize.All(k => k is > 0 and <= 7 && k % 2 == 1), $"{where}.kernelSize must hold 3 odd values in 1..7");
            Require(s.Stride is { Count: 3 } && s.Stride.All(k => k is >= 1 and <= 4), $"{where}.stride must hold 3 values in 1..4");
            if (i == 0)
            {
                Require(s.Stride.All(k => k == 1), "encoder.stages[0].stride must be 1,1,1");
            }

            for (var a = 0; a < 3; a++)
            {
                total[a] *= s.Stride[a];
            }
        }

        for (var a = 0; a < 3; a++)
        {
            Require(plan.PatchSize[a] % total[a] == 0, $"patchSize[{a}]={plan.PatchSize[a]} is not divisible by the encoder's total stride {total[a]} on that axis");
        }

        if (plan.EncoderFingerprint.Length > 0)
        {
            Require(IsFingerprint(plan.EncoderFingerprint), "encoderFingerprint must be 64 lower-case hex digits");
        }

        if (plan.BodyPart is { } bodyPart)
        {
            Require(bodyPart.Width is > 0 and <= 256, "bodyPart.width must be in 1..256");
            Require(bodyPart.SliceSize is >= 16 and <= 512, "bodyPart.sliceSize must be in 16..512");
            Require(double.IsFinite(bodyPart.SliceSpacingMm) && bodyPart.SliceSpacingMm > 0, "bodyPart.sliceSpacingMm must be positive");
            Require(bodyPart.FieldOfViewMm is null || (double.IsFinite(bodyPart.FieldOfViewMm.Value) && bodyPart.FieldOfViewMm.Value is >= 50 and <= 2000), "bodyPart.fieldOfViewMm must be in 50..2000 mm");
            Require(IsFingerprint(bodyPart.Fingerprint), "bodyPart.fingerprint must be 64 lower-case hex digits");
        }

        Require(plan.Decoders is not null, "decoders is missing");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Decoders!.Count; i++)
        {
            var d = plan.Decoders[i];
            Require(d is not null, $"decoders[{i}] is null");
            ValidateDecoder(d!, stages.Count, $"decoders[{i}]");
            Require(ids.Add(d!.Id), $"decoders[{i}].id '{d.Id}' is used twice");
        }
    }

    /// <summary>Parses and validates one decoder entry (a <see cref="DecoderPlan"/> in plan-file JSON) for an encoder with <paramref name="encoderStages"/> stages.</summary>
    /// <exception cref="ModelPlanException">The text is not a valid decoder entry.</exception>
    public static DecoderPlan ParseDecoder(string json, int encoderStages)
    {
        ArgumentNullException.ThrowIfNull(json);
        DecoderPlan? decoder;
        try
        {
            decoder = JsonSerializer.Deserialize<DecoderPlan>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new ModelPlanException($"decoder entry is not valid JSON for {ModelPlan.CurrentFormat}: {ex.Message}", ex);
        }

        if (decoder is null)
        {
            throw new ModelPlanException("decoder entry is empty (JSON null)");
        }

        ValidateDecoder(decoder, encoderStages);
        return decoder;
    }

    /// <summary>Checks one decoder entry against an encoder with <paramref name="encoderStages"/> stages.</summary>
    public static void ValidateDecoder(DecoderPlan decoder, int encoderStages, string where = "decoder")
    {
        ArgumentNullException.ThrowIfNull(decoder);
        Require(decoder.Id is not null && IdPattern().IsMatch(decoder.Id), $"{where}.id '{decoder.Id}' must be 1..64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit");
        Require(!string.IsNullOrWhiteSpace(decoder.Task), $"{where}.task is empty");
        Require(decoder.Classes is { Count: > 0 and < 255 }, $"{where}.classes must hold 1..254 names");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in decoder.Classes)
        {
            Require(!string.IsNullOrWhiteSpace(c), $"{where}.classes holds an empty name");
            Require(names.Add(c), $"{where}.classes names '{c}' twice");
        }

        var genes = decoder.Genotype?.Stages;
        Require(genes is not null && genes.Count == encoderStages - 1, $"{where}.genotype.stages must hold {encoderStages - 1} genes (encoder stages − 1)");
        for (var i = 0; i < genes!.Count; i++)
        {
            var g = genes[i];
            Require(g is not null, $"{where}.genotype.stages[{i}] is null");
            Require(Enum.IsDefined(g!.Block), $"{where}.genotype.stages[{i}].block is unknown");
            Require(double.IsFinite(g.WidthMultiplier) && g.WidthMultiplier > 0 && g.WidthMultiplier <= 4, $"{where}.genotype.stages[{i}].widthMultiplier must be in (0, 4]");
        }

        Require(decoder.BodyPartRange is not null && !double.IsNaN(decoder.BodyPartRange.Min) && !double.IsNaN(decoder.BodyPartRange.Max) && decoder.BodyPartRange.Min <= decoder.BodyPartRange.Max, $"{where}.bodyPartRange must have min ≤ max");
        Require(double.IsFinite(decoder.Temperature) && decoder.Temperature > 0, $"{where}.temperature must be positive");
        if (decoder.EncoderFingerprint.Length > 0)
        {
            Require(IsFingerprint(decoder.EncoderFingerprint), $"{where}.encoderFingerprint must be 64 lower-case hex digits");
        }
    }

    private static void ValidateNormalization(IntensityNormalization? n)
    {
        Require(n is not null, "normalization is missing");
        Require(Enum.IsDefined(n!.Scheme), "normalization.scheme is unknown");
        Require(double.IsFinite(n.Std) && n.Std > 0, "normalization.std must be positive");
        Require(double.IsFinite(n.Mean), "normalization.mean must be finite");
        Require(double.IsFinite(n.ClipLower) && double.IsFinite(n.ClipUpper) && n.ClipLower < n.ClipUpper, "normalization.clipLower must be below clipUpper");
        Require(n.LowerPercentile is >= 0 and <= 100 && n.UpperPercentile is >= 0 and <= 100 && n.LowerPercentile < n.UpperPercentile, "normalization percentiles must satisfy 0 ≤ lower < upper ≤ 100");
    }

    private static bool IsFingerprint(string s)
        => s.Length == 64 && s.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ModelPlanException(string.Create(CultureInfo.InvariantCulture, $"invalid plan: {message}"));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
