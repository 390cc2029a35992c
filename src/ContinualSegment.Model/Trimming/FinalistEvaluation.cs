using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Trimming;

/// <summary>One finalist after its full distillation.</summary>
/// <param name="Genotype">Its architecture.</param>
/// <param name="SearchDice">Its Dice on the search patches after the search's short distillation (its rank).</param>
/// <param name="AcceptanceDice">Its Dice on the acceptance patches after the full distillation.</param>
/// <param name="RelativeDiceDrop">(teacher − student) / teacher on the acceptance patches.</param>
/// <param name="Accepted">Whether it passed the Dice rule (the first that passes is kept).</param>
public sealed record FinalistEvaluation(DecoderGenotype Genotype, double SearchDice, double AcceptanceDice, double RelativeDiceDrop, bool Accepted);
