using ContinualSegment.Imaging;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// Reads what an experiment's working directory (<see cref="ExperimentLayout"/>) holds so far: final scores per method
/// and task, the forgetting matrices, parameter counts and the numbers the experiment is run for. Nothing missing is
/// filled in: it stays null and is listed in <see cref="ExperimentResults.Missing"/>.
/// </summary>
public static class ExperimentAnalyzer
{
    /// <summary>Goal of the continual method's Dice relative to the upper bound, per task.</summary>
    public const double DiceRatioGoal = 0.98;

    /// <summary>Goal of the continual model's parameters and inference time relative to the separate full models (at most).</summary>
    public const double SeparateModelsGoal = 0.4;

    /// <summary>Goal of a trimmed decoder's parameters relative to the full decoder's (at most).</summary>
    public const double TrimParameterGoal = 0.5;

    /// <summary>Goal of a trimmed decoder's relative Dice drop on the test subjects (at most).</summary>
    public const double TrimDiceDropGoal = 0.02;

    /// <summary>Goal of the first task's Dice drop under naive fine-tuning (that the baseline forgets).</summary>
    public const double FinetuneDropGoal = 0.3;

    /// <summary>Reads the experiment in <paramref name="work"/>.</summary>
    /// <param name="work">The experiment's working directory.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <exception cref="DirectoryNotFoundException">There is no such directory.</exception>
    /// <exception cref="FileNotFoundException">The directory holds no evaluation at all.</exception>
    /// <exception cref="InvalidDataException">An evaluation file is not one.</exception>
    public static async Task<ExperimentResults> AnalyzeAsync(string work, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(work);
        work = Path.GetFullPath(work);
        if (!Directory.Exists(work))
        {
            throw new DirectoryNotFoundException($"experiment directory not found: {work}");
        }

        var reader = new Reader(work);
        var methods = new List<MethodResults>();
        foreach (string method in ExperimentLayout.Methods)
        {
            methods.Add(method switch
            {
                ExperimentLayout.Upper => await PerTaskAsync(reader, method, ExperimentLayout.UpperEvaluation, ExperimentLayout.Tasks.Select(ExperimentLayout.UpperModel).ToArray(), cancellationToken).ConfigureAwait(false),
                ExperimentLayout.Untrimmed => await PerTaskAsync(reader, method, ExperimentLayout.UntrimmedEvaluation, [ExperimentLayout.UntrimmedModel], cancellationToken).ConfigureAwait(false),
                _ => await SequentialAsync(reader, method, cancellationToken).ConfigureAwait(false),
            });
        }

        var gating = await ExperimentGating.ReadAsync(work, cancellationToken).ConfigureAwait(false);
        var overlaps = await ExperimentOverlaps.ReadAsync(work, StructureCatalogue.LoadDefault(), cancellationToken).ConfigureAwait(false);
        if (reader.Found == 0 && gating is null && overlaps is null)
        {
            throw new FileNotFoundException($"no evaluation in {Path.Combine(work, "eval")}: nothing to report (scripts/experiment.sh writes eval/<method>/…/evaluation.json)");
        }

        ExperimentTiming? timing = null;
        string timingPath = Path.Combine(work, ExperimentLayout.Timing);
        if (File.Exists(timingPath))
        {
            timing = await ExperimentTiming.ReadAsync(timingPath, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            reader.Missing.Add(ExperimentLayout.Timing);
        }

        string durationsPath = Path.Combine(work, ExperimentDurations.FileName);
        ExperimentDurations? durations = File.Exists(durationsPath) ? await ExperimentDurations.ReadAsync(durationsPath, cancellationToken).ConfigureAwait(false) : null;
        var claims = Claims(methods, timing);
        claims.AddRange(overlaps?.Claims() ?? []);
        var trimTables = ExperimentLayout.Tasks.Where(t => File.Exists(Path.Combine(work, ExperimentLayout.TrimTable(t)))).ToArray();
        return new ExperimentResults(work, methods, claims, reader.Found, reader.Expected, reader.Missing)
        {
            Timing = timing,
            Durations = durations,
            Gating = gating,
            Overlaps = overlaps,
            TrimTables = trimTables,
        };
    }

    // A method scored once per task (no steps): the upper bound (a model per task) or the untrimmed model after the last step.
    private static async Task<MethodResults> PerTaskAsync(Reader reader, string method, Func<string, string> evaluation, string[] modelPaths, CancellationToken cancellationToken)
    {
        var final = new Dictionary<string, TaskScores>(StringComparer.Ordinal);
        foreach (string task in ExperimentLayout.Tasks)
        {
            if (await reader.ScoresAsync(evaluation(task), task, cancellationToken).ConfigureAwait(false) is { } scores)
            {
                final[task] = scores;
            }
        }

        var models = modelPaths.Select(reader.Parameters).OfType<ModelParameters>().ToList();
        long? total = models.Count == modelPaths.Length ? models.Sum(m => m.Total) : null;
        return new MethodResults(method, final, null, models, total);
    }

    private static async Task<MethodResults> SequentialAsync(Reader reader, string method, CancellationToken cancellationToken)
    {
        var final = new Dictionary<string, TaskScores>(StringComparer.Ordinal);
        var rows = new List<IReadOnlyList<double?>>();
        for (int step = 1; step <= ExperimentLayout.Steps; step++)
        {
            var row = new double?[ExperimentLayout.Tasks.Count];
            for (int t = 0; t < step; t++)
            {
                string task = ExperimentLayout.Tasks[t];
                TaskScores? scores = await reader.ScoresAsync(ExperimentLayout.SequentialEvaluation(method, step, task), task, cancellationToken).ConfigureAwait(false);
                row[t] = scores?.Dice;
                if (step == ExperimentLayout.Steps && scores is not null)
                {
                    final[task] = scores;
                }
            }

            rows.Add(row);
        }

        ModelParameters? model = reader.Parameters(ExperimentLayout.SequentialModel(method, ExperimentLayout.Steps));
        return new MethodResults(method, final, new ForgettingMatrix(method, rows), model is null ? [] : [model], model?.Total);
    }

    private static List<ExperimentClaim> Claims(IReadOnlyList<MethodResults> methods, ExperimentTiming? timing)
    {
        MethodResults Get(string method) => methods.First(m => m.Method == method);
        var continual = Get(ExperimentLayout.Continual);
        var upper = Get(ExperimentLayout.Upper);
        var claims = new List<ExperimentClaim>();
        foreach (string task in ExperimentLayout.Tasks)
        {
            double? ratio = continual.Final.GetValueOrDefault(task)?.Dice is { } c && upper.Final.GetValueOrDefault(task)?.Dice is { } u && u > 0 ? c / u : null;
            claims.Add(new ExperimentClaim($"dice_ratio/{task}", $"Dice of continual / upper on {task}", ratio, DiceRatioGoal));
        }

        string first = ExperimentLayout.Tasks[0];
        foreach (string method in new[] { ExperimentLayout.Finetune, ExperimentLayout.Lwf, ExperimentLayout.Continual })
        {
            ForgettingMatrix matrix = Get(method).Forgetting!;
            double? drop = matrix.At(1, first) is { } before && matrix.At(ExperimentLayout.Steps, first) is { } after ? before - after : null;
            claims.Add(new ExperimentClaim(
                $"dice_drop/{method}",
                $"Dice drop of {first} from step 1 to step {ExperimentLayout.Steps} ({method})",
                drop,
                method == ExperimentLayout.Finetune ? FinetuneDropGoal : null));
        }

        var untrimmed = Get(ExperimentLayout.Untrimmed);
        foreach (string task in ExperimentLayout.Tasks)
        {
            long? full = untrimmed.DecoderParameters(task);
            double? ratio = continual.DecoderParameters(task) is { } trimmed && full is > 0 ? (double)trimmed / full.Value : null;
            claims.Add(new ExperimentClaim($"trim_parameters/{task}", $"Parameters of the trimmed {task} decoder / the untrimmed one", ratio, null, TrimParameterGoal));
        }

        foreach (string task in ExperimentLayout.Tasks)
        {
            double? drop = continual.Final.GetValueOrDefault(task)?.Dice is { } c && untrimmed.Final.GetValueOrDefault(task)?.Dice is { } u && u > 0 ? (u - c) / u : null;
            claims.Add(new ExperimentClaim($"trim_dice_drop/{task}", $"Relative Dice drop of the trimmed {task} decoder on the test subjects", drop, null, TrimDiceDropGoal));
        }

        double? parameters = continual.Parameters is { } cp && upper.Parameters is { } up && up > 0 ? (double)cp / up : null;
        claims.Add(new ExperimentClaim(
            "parameter_ratio",
            $"Parameters of continual (one encoder, {ExperimentLayout.Tasks.Count} decoders) / upper ({ExperimentLayout.Tasks.Count} full models)",
            parameters,
            null,
            SeparateModelsGoal));
        claims.Add(new ExperimentClaim(
            "time_ratio",
            $"Inference time of continual (encoder once, {ExperimentLayout.Tasks.Count} decoders) / upper ({ExperimentLayout.Tasks.Count} full models), one CT, one process",
            timing?.TimeRatio,
            null,
            SeparateModelsGoal));
        return claims;
    }

    // Reads the pieces of the layout and keeps account of what is there and what is not.
    private sealed class Reader(string work)
    {
        public List<string> Missing { get; } = [];

        public int Found { get; private set; }

        public int Expected { get; private set; }

        public async Task<TaskScores?> ScoresAsync(string relative, string task, CancellationToken cancellationToken)
        {
            Expected++;
            string path = Path.Combine(work, relative);
            if (!File.Exists(path))
            {
                Missing.Add(relative);
                return null;
            }

            Found++;
            return await EvaluationFile.ReadAsync(path, relative, task, cancellationToken).ConfigureAwait(false);
        }

        public ModelParameters? Parameters(string relative)
        {
            string path = Path.Combine(work, relative);
            if (!Directory.Exists(path))
            {
                Missing.Add(relative);
                return null;
            }

            try
            {
                return ModelParameterCounter.Count(path, relative);
            }
            catch (ModelPlanException ex)
            {
                // A model being copied into place or not yet complete: reported, not counted.
                Missing.Add($"{relative} ({ex.Message.ReplaceLineEndings(" ")})");
                return null;
            }
        }
    }
}
