using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Settings of a decoder trimming run: the search space, the evolutionary search's budget and
/// fitness, the distillation and the acceptance rule.
/// </summary>
/// <remarks>
/// Search space per decoder stage: a block type from <see cref="BlockTypes"/> × a width multiplier
/// from <see cref="WidthMultipliers"/> × the skip flag. The decoder can drop the encoder's skip
/// feature at any stage, but the search drops it only at the coarser stages (resolution level ≥ 1)
/// and only when <see cref="AllowSkipDrop"/> is set: the full-resolution skip carries the boundary
/// detail the segmentation needs, so stage 0 always keeps it.
/// </remarks>
public sealed class TrimOptions
{
    /// <summary>Block types the search may choose.</summary>
    public IReadOnlyList<BlockType> BlockTypes { get; set; } = [BlockType.ConvPair, BlockType.SingleConv, BlockType.Pseudo3D, BlockType.DepthwiseSeparable];

    /// <summary>Width multipliers (relative to the encoder width of the stage) the search may choose.</summary>
    public IReadOnlyList<double> WidthMultipliers { get; set; } = [0.25, 0.5, 0.75, 1.0];

    /// <summary>Whether the search may drop the encoder skip feature at stages 1, 2, … (never at stage 0).</summary>
    public bool AllowSkipDrop { get; set; } = true;

    /// <summary>Random genotypes that seed the regularised-evolution population.</summary>
    public int Population { get; set; } = 8;

    /// <summary>Candidates evaluated in all (the initial population included); the search's budget.</summary>
    public int Candidates { get; set; } = 24;

    /// <summary>Population members drawn per tournament; the fittest becomes the parent of the next mutant.</summary>
    public int TournamentSize { get; set; } = 3;

    /// <summary>Distillation steps of each candidate during the search (short; the winner is distilled again with <see cref="DistillationOptions.Steps"/>).</summary>
    public int SearchSteps { get; set; } = 60;

    /// <summary>Weight λ of the cost penalty: fitness = validation Dice − λ·(candidate cost / full decoder cost).</summary>
    public double CostWeight { get; set; } = 0.05;

    /// <summary>Which cost the fitness penalises.</summary>
    public CostPenalty Penalty { get; set; } = CostPenalty.Parameters;

    /// <summary>The fittest candidates (each smaller than the full decoder) that are distilled in full, in fitness order, until one is accepted.</summary>
    public int Finalists { get; set; } = 2;

    /// <summary>The largest relative validation-Dice drop (teacher − student) / teacher a student may show to be accepted.</summary>
    public double MaxRelativeDiceDrop { get; set; } = 0.02;

    /// <summary>
    /// Whether every candidate and finalist starts from slices of the teacher's weights (<see cref="TeacherWeights"/>)
    /// instead of a fresh initialisation: a slimmed teacher needs far fewer distillation steps to come close to it.
    /// </summary>
    public bool InheritTeacherWeights { get; set; } = true;

    /// <summary>The final distillation (and, with <see cref="SearchSteps"/> steps, each candidate's).</summary>
    public DistillationOptions Distillation { get; set; } = new();

    /// <summary>Untimed forward passes before the latency is measured.</summary>
    public int LatencyWarmup { get; set; } = 2;

    /// <summary>Timed forward passes; the latency is their median.</summary>
    public int LatencyRepeats { get; set; } = 10;

    /// <summary>The id of the accepted student's plan; null keeps the teacher's id (a replacement).</summary>
    public string? StudentId { get; set; }

    /// <summary>Seed of the search (sampling, mutation, weight initialisation of every candidate).</summary>
    public int Seed { get; set; } = 12345;

    /// <summary>
    /// A file recording every evaluated search candidate as it ends (JSON lines), so a search cut off resumes where it
    /// stopped; null: none. A journal written by a search with other settings, teacher or data is refused.
    /// </summary>
    public string? SearchJournal { get; set; }

    /// <summary>The most bytes the cached encoder features, teacher logits and labels of one patch set (training or validation) may take.</summary>
    public long MaxCacheBytes { get; set; } = 8L << 30;

    /// <summary>
    /// Float32 (default) or mixed precision of every distillation step, the search's and the finalists'
    /// (see <see cref="PrecisionContext"/>); the encoder, the teacher and the evaluation stay float32.
    /// </summary>
    public TrainingPrecision Precision { get; set; } = TrainingPrecision.Float32;

    /// <summary>
    /// Where a trim run loaded from a model directory puts the network (<see cref="DecoderTrimmer"/>); a bank
    /// passed in directly is used on its own device.
    /// </summary>
    public TrainingDevice Device { get; set; } = TrainingDevice.Cpu;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (BlockTypes is null || BlockTypes.Count == 0 || BlockTypes.Any(b => !Enum.IsDefined(b)))
        {
            throw new ArgumentOutOfRangeException(nameof(BlockTypes), "block types must be a non-empty list of known types");
        }

        if (WidthMultipliers is null || WidthMultipliers.Count == 0 || WidthMultipliers.Any(m => !double.IsFinite(m) || m <= 0 || m > 4))
        {
            throw new ArgumentOutOfRangeException(nameof(WidthMultipliers), "width multipliers must be a non-empty list of values in (0, 4]");
        }

        if (Population is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Population), Population, "population must be in 1..10000");
        }

        if (Candidates < Population || Candidates > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Candidates), Candidates, "candidates must be in population..100000");
        }

        if (TournamentSize < 1 || TournamentSize > Population)
        {
            throw new ArgumentOutOfRangeException(nameof(TournamentSize), TournamentSize, "tournament size must be in 1..population");
        }

        if (SearchSteps is < 1 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(SearchSteps), SearchSteps, "search steps must be in 1..10000000");
        }

        if (!double.IsFinite(CostWeight) || CostWeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CostWeight), CostWeight, "cost weight must be ≥ 0");
        }

        if (!Enum.IsDefined(Penalty))
        {
            throw new ArgumentOutOfRangeException(nameof(Penalty), Penalty, "unknown cost penalty");
        }

        if (Finalists is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Finalists), Finalists, "finalists must be in 1..100");
        }

        if (!double.IsFinite(MaxRelativeDiceDrop) || MaxRelativeDiceDrop is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRelativeDiceDrop), MaxRelativeDiceDrop, "the allowed Dice drop must be in [0, 1]");
        }

        ArgumentNullException.ThrowIfNull(Distillation);
        Distillation.Validate();
        if (LatencyWarmup is < 0 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyWarmup), LatencyWarmup, "latency warm-up must be in 0..1000");
        }

        if (LatencyRepeats is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyRepeats), LatencyRepeats, "latency repeats must be in 1..10000");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "unknown precision");
        }

        if (!Enum.IsDefined(Device))
        {
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "unknown device");
        }

        if (MaxCacheBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCacheBytes), MaxCacheBytes, "the cache limit must be positive");
        }
    }
}
