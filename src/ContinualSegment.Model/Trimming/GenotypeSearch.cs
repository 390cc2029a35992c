using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using TorchSharp;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Regularised evolution over decoder genotypes: a population of random genotypes, then repeatedly
/// the fittest of a random tournament is mutated in one choice of one stage, the child joins and the
/// oldest member leaves, until the candidate budget is spent. Every random choice and every
/// candidate's weight initialisation derive from the seed, so a run is reproducible (with a
/// deterministic cost penalty).
/// </summary>
internal sealed class GenotypeSearch
{
    private readonly EncoderPlan encoder;
    private readonly DecoderPlan template;
    private readonly Decoder teacher;
    private readonly TrimOptions options;
    private readonly DecoderCost full;
    private readonly FeatureCache training;
    private readonly FeatureCache validation;
    private readonly Action<TrimProgress>? progress;
    private readonly CancellationToken cancellationToken;
    private readonly Dictionary<string, CandidateEvaluation> seen = new(StringComparer.Ordinal);
    private readonly Random random;
    private readonly int stages;

    public GenotypeSearch(EncoderPlan encoder, Decoder teacher, DecoderPlan template, TrimOptions options, DecoderCost full, FeatureCache training, FeatureCache validation, Action<TrimProgress>? progress, CancellationToken cancellationToken)
    {
        this.encoder = encoder;
        this.template = template;
        this.teacher = teacher;
        this.options = options;
        this.full = full;
        this.training = training;
        this.validation = validation;
        this.progress = progress;
        this.cancellationToken = cancellationToken;
        random = new Random(options.Seed);
        stages = encoder.Stages.Count - 1;
    }

    /// <summary>Where evaluated candidates are recorded and, when the search resumes, taken from; null: nowhere.</summary>
    public SearchJournal? Journal { get; init; }

    public IReadOnlyList<CandidateEvaluation> Run()
    {
        var history = new List<CandidateEvaluation>(options.Candidates);
        var population = new Queue<CandidateEvaluation>(options.Population);
        for (var i = 0; i < options.Population; i++)
        {
            var c = Evaluate(RandomGenotype(), history.Count);
            history.Add(c);
            population.Enqueue(c);
        }

        while (history.Count < options.Candidates)
        {
            var members = population.ToArray();
            CandidateEvaluation? parent = null;
            foreach (var index in Enumerable.Range(0, members.Length).OrderBy(_ => random.Next()).Take(options.TournamentSize).Order())
            {
                if (parent is null || members[index].Fitness > parent.Fitness)
                {
                    parent = members[index];
                }
            }

            var child = Evaluate(Mutate(parent!.Genotype), history.Count);
            history.Add(child);
            population.Enqueue(child);
            population.Dequeue();
        }

        return history;
    }

    internal DecoderGenotype RandomGenotype()
    {
        var genes = new DecoderStageGene[stages];
        for (var i = 0; i < stages; i++)
        {
            genes[i] = new DecoderStageGene
            {
                Block = options.BlockTypes[random.Next(options.BlockTypes.Count)],
                WidthMultiplier = options.WidthMultipliers[random.Next(options.WidthMultipliers.Count)],
                Skip = !SkipMayDrop(i) || random.Next(2) == 0,
            };
        }

        return new DecoderGenotype { Stages = genes };
    }

    internal DecoderGenotype Mutate(DecoderGenotype parent)
    {
        var genes = parent.Stages.ToArray();
        var stage = random.Next(stages);
        var gene = genes[stage];
        var choices = new List<int>(3);
        if (options.BlockTypes.Count > 1)
        {
            choices.Add(0);
        }

        if (options.WidthMultipliers.Count > 1)
        {
            choices.Add(1);
        }

        if (SkipMayDrop(stage))
        {
            choices.Add(2);
        }

        if (choices.Count == 0)
        {
            return parent;
        }

        genes[stage] = choices[random.Next(choices.Count)] switch
        {
            0 => gene with { Block = Other(options.BlockTypes, gene.Block) },
            1 => gene with { WidthMultiplier = Other(options.WidthMultipliers, gene.WidthMultiplier) },
            _ => gene with { Skip = !gene.Skip },
        };
        return new DecoderGenotype { Stages = genes };
    }

    private bool SkipMayDrop(int stage) => options.AllowSkipDrop && stage >= 1;

    private T Other<T>(IReadOnlyList<T> values, T current)
    {
        var others = values.Where(v => !EqualityComparer<T>.Default.Equals(v, current)).ToArray();
        return others.Length == 0 ? current : others[random.Next(others.Length)];
    }

    private CandidateEvaluation Evaluate(DecoderGenotype genotype, int index)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = DecoderTrimmer.Key(genotype);
        if (seen.TryGetValue(key, out var known))
        {
            progress?.Invoke(new TrimProgress(TrimPhase.Search, index + 1, options.Candidates, $"candidate {index + 1}/{options.Candidates}: {key} (seen before) fitness {known.Fitness:F4}"));
            return known;
        }

        if (Journal?.Find(index, key, genotype) is { } recorded)
        {
            seen[key] = recorded;
            progress?.Invoke(new TrimProgress(TrimPhase.Search, index + 1, options.Candidates, $"candidate {index + 1}/{options.Candidates}: {key} (from the search journal) Dice {recorded.ValidationDice:F4} cost ×{recorded.CostRatio:F3} fitness {recorded.Fitness:F4}"));
            return recorded;
        }

        var plan = template with { Genotype = genotype };
        using var student = TeacherWeights.NewStudent(encoder, teacher, plan, training, options, options.Seed + index);

        new Distiller(options.Distillation.WithSteps(options.SearchSteps, options.Distillation.Seed + index), options.Precision).Distill(student, training, cancellationToken);
        var dice = Distiller.Evaluate(student, validation);
        var latency = options.Penalty == CostPenalty.Latency
            ? DecoderCostMeter.MeasureLatencyMilliseconds(student, validation.Skips(0), options.LatencyWarmup, options.LatencyRepeats)
            : double.NaN;
        var shape = validation.Skips(0)[0].shape;
        var cost = new DecoderCost(DecoderCostMeter.CountParameters(student), DecoderCostMeter.CountFlops(encoder, plan, [(int)shape[2], (int)shape[3], (int)shape[4]]), latency);
        var ratio = options.Penalty switch
        {
            CostPenalty.Parameters => (double)cost.Parameters / full.Parameters,
            CostPenalty.Flops => (double)cost.Flops / full.Flops,
            _ => cost.LatencyMilliseconds / full.LatencyMilliseconds,
        };
        var fitness = (double.IsNaN(dice) ? 0 : dice) - (options.CostWeight * ratio);
        var result = new CandidateEvaluation(genotype, dice, cost, ratio, fitness);
        seen[key] = result;
        Journal?.Record(index, key, result);
        progress?.Invoke(new TrimProgress(TrimPhase.Search, index + 1, options.Candidates, $"candidate {index + 1}/{options.Candidates}: {key} Dice {dice:F4} cost ×{ratio:F3} fitness {fitness:F4}"));
        return result;
    }
}
