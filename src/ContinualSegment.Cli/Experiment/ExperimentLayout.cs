namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// Where <c>scripts/experiment.sh</c> leaves its results under its working directory: the methods, the tasks in the
/// order they are learnt, and the paths of evaluations and models.
/// </summary>
public static class ExperimentLayout
{
    /// <summary>The method of the project: a frozen general encoder and one decoder per task, each decoder trimmed.</summary>
    public const string Continual = "continual";

    /// <summary>The continual method without trimming: the teachers of its trimmed decoders.</summary>
    public const string Untrimmed = "untrimmed";

    /// <summary>The upper bound: one separate full model per task.</summary>
    public const string Upper = "upper";

    /// <summary>Naive sequential fine-tuning.</summary>
    public const string Finetune = "finetune";

    /// <summary>Learning without forgetting.</summary>
    public const string Lwf = "lwf";

    /// <summary>Every method, in the order of the report.</summary>
    public static IReadOnlyList<string> Methods { get; } = [Continual, Untrimmed, Upper, Finetune, Lwf];

    /// <summary>The methods that learn the tasks one after another (a snapshot and evaluations after each step).</summary>
    public static IReadOnlyList<string> SequentialMethods { get; } = [Continual, Finetune, Lwf];

    /// <summary>The tasks in the order they are learnt: step k covers the first k.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["wholebody", "chest", "headneck", "pathology"];

    /// <summary>The number of steps of a sequential method (one per task).</summary>
    public static int Steps => Tasks.Count;

    /// <summary>The evaluation of <paramref name="task"/> by a sequential method's model after step <paramref name="step"/> (1-based), relative to the working directory.</summary>
    public static string SequentialEvaluation(string method, int step, string task) => Path.Combine("eval", method, Step(step), task, "evaluation.json");

    /// <summary>The evaluation of the upper bound's model of <paramref name="task"/>, relative to the working directory.</summary>
    public static string UpperEvaluation(string task) => Path.Combine("eval", Upper, task, "evaluation.json");

    /// <summary>The evaluation of <paramref name="task"/> by the untrimmed model after the last step, relative to the working directory.</summary>
    public static string UntrimmedEvaluation(string task) => Path.Combine("eval", Untrimmed, task, "evaluation.json");

    /// <summary>The untrimmed model after the last step, relative to the working directory.</summary>
    public static string UntrimmedModel => Path.Combine("models", Untrimmed, Step(Steps));

    /// <summary>The search table of the trimming of <paramref name="task"/>'s decoder (<c>cseg trim --table</c>), relative to the working directory.</summary>
    public static string TrimTable(string task) => Path.Combine("trim", task, "table.md");

    /// <summary>A sequential method's model after step <paramref name="step"/> (1-based), relative to the working directory.</summary>
    public static string SequentialModel(string method, int step) => Path.Combine("models", method, Step(step));

    /// <summary>The upper bound's model of <paramref name="task"/>, relative to the working directory.</summary>
    public static string UpperModel(string task) => Path.Combine("models", Upper, task);

    /// <summary>The inference-time comparison (<c>cseg bench methods</c>), relative to the working directory.</summary>
    public static string Timing => Path.Combine("timing", "bench-methods.json");

    private static string Step(int step) => FormattableString.Invariant($"step{step}");
}
