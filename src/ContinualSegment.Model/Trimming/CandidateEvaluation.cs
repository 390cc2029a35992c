using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Trimming;

/// <summary>One search candidate after its short distillation.</summary>
/// <param name="Genotype">Its architecture.</param>
/// <param name="ValidationDice">Mean foreground validation Dice after the short distillation.</param>
/// <param name="Cost">Its parameters, FLOPs and latency.</param>
/// <param name="CostRatio">The penalised cost relative to the full decoder's.</param>
/// <param name="Fitness">ValidationDice − λ·CostRatio.</param>
public sealed record CandidateEvaluation(DecoderGenotype Genotype, double ValidationDice, DecoderCost Cost, double CostRatio, double Fitness);
