using System.Text.Json;
using System.Xml.Linq;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Tests;

namespace ContinualSegment.Cli.Tests.Experiment;

/// <summary>
/// A synthetic experiment working directory with hand-chosen scores, two evaluations and some models missing, and the
/// report `cseg experiment report` writes of it (run once, shared by the tests).
/// </summary>
public sealed class ExperimentWorkFixture : IDisposable
{
    public static readonly string[] Tasks = ["wholebody", "chest", "headneck", "pathology"];

    // Final Dice of each task's model; the upper bound's pathology evaluation is missing.
    private static readonly double[] Base = [0.70, 0.60, 0.50, 0.40];
    private static readonly double?[] Upper = [0.70, 0.625, 0.50, null];

    // Final Dice of the untrimmed decoders (the continual ones before trimming).
    private static readonly double[] Untrimmed = [0.70, 0.62, 0.51, 0.40];

    public ExperimentWorkFixture()
    {
        Root = Directory.CreateTempSubdirectory("cseg-experiment-").FullName;
        Work = Path.Combine(Root, "work");
        Out = Path.Combine(Root, "report");
        foreach (var method in new[] { "continual", "finetune", "lwf" })
        {
            for (var step = 1; step <= 4; step++)
            {
                for (var t = 0; t < step; t++)
                {
                    if (SequentialDice(method, step, t) is { } dice)
                    {
                        EvaluationJsonFile.Write(Path.Combine(Work, "eval", method, $"step{step}", Tasks[t], "evaluation.json"), Tasks[t], EvaluationJsonFile.AroundMean(Tasks[t], dice));
                    }
                }
            }
        }

        for (var t = 0; t < Tasks.Length; t++)
        {
            if (UpperDice(t) is { } dice)
            {
                EvaluationJsonFile.Write(Path.Combine(Work, "eval", "upper", Tasks[t], "evaluation.json"), Tasks[t], EvaluationJsonFile.AroundMean(Tasks[t], dice));
            }
        }

        for (var t = 0; t < Tasks.Length; t++)
        {
            EvaluationJsonFile.Write(Path.Combine(Work, "eval", "untrimmed", Tasks[t], "evaluation.json"), Tasks[t], EvaluationJsonFile.AroundMean(Tasks[t], Untrimmed[t]));
        }

        // Models: the continual method's after step 4 (one with deep supervision, the chest decoder trimmed to a quarter
        // of the widths), the untrimmed one and the four upper-bound models; the fine-tuning and LwF models are missing.
        var trimmed = new DecoderGenotype { Stages = Enumerable.Range(0, 2).Select(_ => new DecoderStageGene { Block = BlockType.SingleConv, WidthMultiplier = 0.25 }).ToArray() };
        (ContinualParameters, TrimmedChestParameters) = SaveModel(Path.Combine(Work, "models", "continual", "step4"), Tasks.Select((t, i) => TinyPlans.Decoder(t, t, ["spleen", "liver"], genotype: t == "chest" ? trimmed : null, deepSupervision: i == 1)).ToArray());
        (UntrimmedParameters, FullChestParameters) = SaveModel(Path.Combine(Work, "models", "untrimmed", "step4"), Tasks.Select(t => TinyPlans.Decoder(t, t, ["spleen", "liver"])).ToArray());

        // The search table of two trimmings (the others' are missing).
        foreach (var task in new[] { "chest", "headneck" })
        {
            Directory.CreateDirectory(Path.Combine(Work, "trim", task));
            File.WriteAllText(Path.Combine(Work, "trim", task, "table.md"), $"# Trimming decoder `{task}`\n");
        }

        UpperParameters = Tasks.Sum(t => SaveModel(Path.Combine(Work, "models", "upper", t), TinyPlans.Decoder(t, t, ["spleen", "liver"])).Total);

        // The wall time of the steps, as scripts/experiment.sh appends it (an evaluation run twice is summed).
        File.WriteAllText(Path.Combine(Work, "durations.tsv"), "data-wholebody\t60\nstep1\t3600\ncontinual-step2\t600\neval-continual\t300\neval-continual\t60\ntiming\t120\n");

        // The inference-time comparison, as `cseg bench methods` writes it.
        Directory.CreateDirectory(Path.Combine(Work, "timing"));
        File.WriteAllText(Path.Combine(Work, "timing", "bench-methods.json"), """
            {
              "study": "whole-body phantom 64×64×40",
              "threads": 1,
              "repeats": 2,
              "continual": { "model": "/w/models/continual/step4", "parameters": 700, "seconds": 7.0, "inferenceSeconds": 6.0, "runs": [7.0, 7.0], "decodersRun": ["wholebody"] },
              "separate": [
                { "model": "/w/models/upper/wholebody", "parameters": 400, "seconds": 5.0, "inferenceSeconds": 4.5, "runs": [5.0, 5.0], "decodersRun": ["wholebody"] },
                { "model": "/w/models/upper/chest", "parameters": 400, "seconds": 5.0, "inferenceSeconds": 4.5, "runs": [5.0, 5.0], "decodersRun": ["chest"] }
              ],
              "separateSeconds": 10.0,
              "separateParameters": 800,
              "timeRatio": 0.7,
              "parameterRatio": 0.875,
              "goal": 0.4
            }
            """);

        // The gating step's files, as `cseg bodypart evaluate` and `cseg bench gating` write them.
        Directory.CreateDirectory(Path.Combine(Work, "gating"));
        File.WriteAllText(Path.Combine(Work, "gating", "bodypart.json"), """
            {
              "pooledSpearman": 0.9812,
              "meanScanSpearman": 0.9971,
              "scans": [
                { "dataset": "headneck", "caseId": "headneck_0000", "slices": 40, "scoreMin": 9.7, "scoreMax": 38, "spearman": 0.998, "decoders": { "wholebody": 0.93, "pathology": 0 } }
              ]
            }
            """);
        File.WriteAllText(Path.Combine(Work, "gating", "bench-gating.json"), """
            {
              "model": "/w/gating/model",
              "study": "whole-body phantom study 64×64×100",
              "threads": 1,
              "repeats": 3,
              "scans": [
                { "scan": "head", "slices": 18, "decodersRun": ["wholebody"], "decodersSkipped": ["pathology"], "gatedSeconds": 1.5, "allDecodersSeconds": 2.0, "timeSaved": 0.25, "meanDiceGated": 0.8, "meanDiceAllDecoders": null }
              ]
            }
            """);

        // The overlaps step's evaluations: the host organs on two subjects per cohort, per variant (the lesion rows
        // of the pathology cohort do not count towards the organs' mean).
        string[] organs = ["liver", "lung_upper_lobe_left", "lung_lower_lobe_left", "lung_upper_lobe_right", "lung_middle_lobe_right", "lung_lower_lobe_right", "esophagus"];
        foreach (var (variant, cohort, first, second) in new[]
        {
            ("wholebody", "pathology", 0.70, 0.80), ("hosts", "pathology", 0.60, 0.70), ("merged", "pathology", 0.80, 0.90),
            ("wholebody", "wholebody", 0.90, 0.90), ("merged", "wholebody", 0.88, 0.88),
        })
        {
            var rows = organs.SelectMany((o, i) => new[]
            {
                new EvaluationJsonFile.Row("case0", i + 1, o, first, 3.0, 0.5, 0.6),
                new EvaluationJsonFile.Row("case1", i + 1, o, second, 3.0, 0.5, 0.6),
            }).ToList();
            if (cohort == "pathology")
            {
                rows.Add(new EvaluationJsonFile.Row("case0", 142, "liver_tumor", 0.1, 9.0, 0.1, 0.2));
            }

            EvaluationJsonFile.Write(Path.Combine(Work, "overlaps", variant, cohort, "evaluation.json"), cohort, rows);
        }

        (ExitCode, Output, Error) = CsegRunner.RunAsync("experiment", "report", "--work", Work, "--out", Out, "--machine", "test machine", "--command", "scripts/experiment.sh").GetAwaiter().GetResult();
        if (ExitCode == 0)
        {
            Json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "results.json")));
            Markdown = File.ReadAllText(Path.Combine(Out, "results.md"));
            DiceChart = XDocument.Parse(File.ReadAllText(Path.Combine(Out, "dice-by-method.svg")));
            ForgettingChart = XDocument.Parse(File.ReadAllText(Path.Combine(Out, "forgetting.svg")));
        }
    }

    public string Root { get; }

    public string Work { get; }

    public string Out { get; }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    public JsonDocument? Json { get; }

    public string? Markdown { get; }

    public XDocument? DiceChart { get; }

    public XDocument? ForgettingChart { get; }

    /// <summary>Parameters of the continual model, counted here: encoder + decoders without deep-supervision heads.</summary>
    public long ContinualParameters { get; }

    /// <summary>Parameters of the untrimmed model: encoder + decoders.</summary>
    public long UntrimmedParameters { get; }

    /// <summary>Parameters of the continual model's trimmed chest decoder.</summary>
    public long TrimmedChestParameters { get; }

    /// <summary>Parameters of the untrimmed model's chest decoder.</summary>
    public long FullChestParameters { get; }

    /// <summary>Parameters of the four upper-bound models together.</summary>
    public long UpperParameters { get; }

    /// <summary>
    /// The mean Dice written for task <paramref name="task"/> after step <paramref name="step"/>: constant for continual,
    /// 0.15 lower per later step for fine-tuning, 0.05 for LwF; null where not learnt or left out (LwF: wholebody after
    /// step 2, headneck after step 3).
    /// </summary>
    public static double? SequentialDice(string method, int step, int task)
    {
        if (task >= step || (method == "lwf" && ((step == 2 && task == 0) || (step == 3 && task == 2))))
        {
            return null;
        }

        var later = step - task - 1;
        return method switch
        {
            "continual" => Base[task],
            "finetune" => Base[task] - (0.15 * later),
            "lwf" => Base[task] - (0.05 * later),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    /// <summary>The mean Dice written for the untrimmed model after step 4 on task <paramref name="task"/>.</summary>
    public static double UntrimmedDice(int task) => Untrimmed[task];

    /// <summary>The mean Dice written for the upper bound's model of task <paramref name="task"/>; null: left out.</summary>
    public static double? UpperDice(int task) => Upper[task];

    public void Dispose()
    {
        Json?.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    // Saves a model with fresh weights and counts its parameters independently of the code under test: the whole model's
    // and its chest decoder's (0 without one).
    private static (long Total, long Chest) SaveModel(string directory, params DecoderPlan[] decoders)
    {
        var plan = TinyPlans.Plan(decoders);
        using var bank = new DecoderBank(plan);
        ModelStore.Save(bank, plan, directory);
        var encoder = bank.Encoder.parameters().Sum(p => p.numel());
        long Inference(DecoderPlan d) => bank.GetDecoder(d.Id).named_parameters().Where(p => !p.name.StartsWith("aux_heads.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        return (encoder + decoders.Sum(Inference), decoders.Where(d => d.Id == "chest").Sum(Inference));
    }
}
