using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Tests;

/// <summary>Small plans that keep the tests fast on two CPU cores.</summary>
internal static class TinyPlans
{
    public static EncoderPlan Encoder() => new()
    {
        Stages =
        [
            new EncoderStagePlan { Width = 4, KernelSize = [1, 3, 3], Stride = [1, 1, 1] },
            new EncoderStagePlan { Width = 8, KernelSize = [3, 3, 3], Stride = [1, 2, 2] },
            new EncoderStagePlan { Width = 12, KernelSize = [3, 3, 3], Stride = [2, 2, 2] },
        ],
    };

    public static DecoderPlan Decoder(string id, string task, IReadOnlyList<string> classes, DecoderGenotype? genotype = null, bool deepSupervision = false) => new()
    {
        Id = id,
        Task = task,
        Classes = classes,
        Genotype = genotype ?? DecoderGenotype.Full(3),
        DeepSupervision = deepSupervision,
        BodyPartRange = new BodyPartRange { Min = -10, Max = 10 },
        Temperature = 1.0,
    };

    public static ModelPlan Plan(params DecoderPlan[] decoders) => new()
    {
        TargetSpacing = [3.0, 1.5, 1.5],
        PatchSize = [16, 16, 16],
        Normalization = new IntensityNormalization { Scheme = NormalizationScheme.CT, ClipLower = -200, ClipUpper = 300, Mean = 40, Std = 80 },
        Encoder = Encoder(),
        Decoders = decoders.Length == 0 ? [Decoder("wholebody", "wholebody", ["spleen", "liver"])] : decoders,
    };
}
