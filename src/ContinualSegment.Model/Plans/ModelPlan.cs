using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Plans;

/// <summary>
/// Everything needed to rebuild a model's networks and to prepare its input: the plan file
/// (<c>plan.json</c>, format <see cref="CurrentFormat"/>). All three-element vectors are in tensor
/// axis order (z, y, x), i.e. the order of the spatial dimensions of a [N, C, D, H, W] tensor.
/// </summary>
public sealed record ModelPlan
{
    /// <summary>The only format version this code reads and writes.</summary>
    public const string CurrentFormat = "cseg-plan/1";

    /// <summary>The format version; must equal <see cref="CurrentFormat"/>.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Voxel spacing (mm, z/y/x) the model works on.</summary>
    public IReadOnlyList<double> TargetSpacing { get; init; } = [];

    /// <summary>Patch size (voxels, z/y/x) used for training and sliding-window inference.</summary>
    public IReadOnlyList<int> PatchSize { get; init; } = [];

    /// <summary>The number of image channels the encoder takes.</summary>
    public int InputChannels { get; init; } = 1;

    /// <summary>How intensities are normalised before they reach the network.</summary>
    public IntensityNormalization Normalization { get; init; } = new();

    /// <summary>The general encoder's architecture.</summary>
    public EncoderPlan Encoder { get; init; } = new();

    /// <summary>The decoders of the bank, in the order they were added.</summary>
    public IReadOnlyList<DecoderPlan> Decoders { get; init; } = [];

    /// <summary>SHA-256 (lower-case hex) over the encoder's state dict; empty before the encoder is trained and saved.</summary>
    public string EncoderFingerprint { get; init; } = string.Empty;

    /// <summary>The body-part regression model, or null when the directory has none (optional section).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BodyPartModelPlan? BodyPart { get; init; }

    /// <summary>The decoder with <paramref name="id"/>, or null.</summary>
    public DecoderPlan? FindDecoder(string id) => Decoders.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.Ordinal));
}
