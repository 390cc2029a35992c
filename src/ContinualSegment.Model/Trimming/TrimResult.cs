using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Trimming;

/// <summary>The outcome of a trimming run, in numbers.</summary>
public sealed record TrimResult
{
    /// <summary>The trimmed decoder's id.</summary>
    public required string DecoderId { get; init; }

    /// <summary>Whether a student passed the Dice rule (otherwise the full decoder is kept).</summary>
    public required bool Accepted { get; init; }

    /// <summary>The full decoder's mean foreground Dice on the acceptance patches.</summary>
    public required double TeacherDice { get; init; }

    /// <summary>The best finalist's Dice on the acceptance patches (the accepted one's when accepted; NaN when no finalist was smaller).</summary>
    public required double StudentDice { get; init; }

    /// <summary>(TeacherDice − StudentDice) / TeacherDice; negative when the student is better.</summary>
    public required double RelativeDiceDrop { get; init; }

    /// <summary>The largest drop that was allowed.</summary>
    public required double MaxRelativeDiceDrop { get; init; }

    /// <summary>The full decoder's cost.</summary>
    public required DecoderCost Before { get; init; }

    /// <summary>The kept decoder's cost: the student's when accepted, else the full decoder's.</summary>
    public required DecoderCost After { get; init; }

    /// <summary>The full decoder's genotype.</summary>
    public required DecoderGenotype TeacherGenotype { get; init; }

    /// <summary>The kept decoder's genotype.</summary>
    public required DecoderGenotype Genotype { get; init; }

    /// <summary>Every search candidate in evaluation order.</summary>
    public required IReadOnlyList<CandidateEvaluation> Candidates { get; init; }

    /// <summary>The finalists in the order they were distilled, each with its acceptance Dice and the decision.</summary>
    public IReadOnlyList<FinalistEvaluation> Finalists { get; init; } = [];

    /// <summary>The full decoder's Dice on the search patches (what the candidates' <see cref="CandidateEvaluation.ValidationDice"/> compare with).</summary>
    public double SearchTeacherDice { get; init; } = double.NaN;

    /// <summary>Whether acceptance was decided on other patches than the ranking (<see cref="TeacherDice"/> and <see cref="StudentDice"/> are on those).</summary>
    public bool SeparateAcceptance { get; init; }

    /// <summary>Whether <see cref="TeacherDice"/> and <see cref="StudentDice"/> are whole-volume Dice of the acceptance cases (sliding-window inference) rather than Dice on their patches.</summary>
    public bool AcceptanceOnVolumes { get; init; }

    /// <summary>Whether the candidates and finalists started from slices of the teacher's weights (<see cref="TrimOptions.InheritTeacherWeights"/>).</summary>
    public bool InheritedTeacherWeights { get; init; }

    /// <summary>Distillation steps of each search candidate and of each finalist.</summary>
    public (int Search, int Finalist) DistillationSteps { get; init; }

    /// <summary>Time spent caching, searching and distilling the finalists.</summary>
    public TrimTimings Timings { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>A one-line explanation of the decision.</summary>
    public required string Message { get; init; }
}
