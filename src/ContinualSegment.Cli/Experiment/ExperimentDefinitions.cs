namespace ContinualSegment.Cli.Experiment;

/// <summary>How the report's numbers are defined, in words, for the JSON and the Markdown alike.</summary>
public static class ExperimentDefinitions
{
    /// <summary>The per-task Dice score.</summary>
    public const string Dice = "mean Dice of the task as cseg evaluate reports it (tasks[].mean_dice: the mean over every scored case and structure; every case scores all structures of its task, so this is the mean over cases of each case's mean over structures). Only a file without that summary has it computed: the mean over cases of each case's mean over structures.";

    /// <summary>The per-task HD95.</summary>
    public const string Hd95 = "mean HD95 in mm over the structures whose HD95 is finite (tasks[].mean_hd95_mm); the structures whose HD95 is infinite or undefined (one mask empty, null in the file) are counted apart.";

    /// <summary>The per-task surface Dice.</summary>
    public const string SurfaceDice = "mean normalised surface Dice at each tolerance (tasks[].mean_nsd).";

    /// <summary>The final scores.</summary>
    public const string Final = "sequential methods (continual, finetune, lwf): the model after step 4 on every task; untrimmed: the continual method's model after step 4 before its decoders were trimmed; upper: each task's own full model.";

    /// <summary>The forgetting matrix.</summary>
    public const string Forgetting = "dice[k-1][t]: mean Dice of task t (in the order of tasks) after step k; null where the task is not learnt yet or its evaluation is missing.";

    /// <summary>The parameter counts.</summary>
    public const string Parameters = "parameters of the model as it loads: every encoder parameter plus each decoder's inference path (deep-supervision heads, used in training only, and the body-part regressor are not counted); sequential methods: the model after step 4; upper: the sum of the four task models.";

    /// <summary>What the trimming section compares.</summary>
    public const string Trimming = "each task's decoder in the continual model after step 4 (trimmed by cseg trim: architecture search, distillation, accepted when its whole-volume Dice on the acceptance cases stays within 2 % of the full decoder's) against the same decoder before trimming (the untrimmed model); parameters on the decoder's inference path; Dice on the held-out test subjects; drop = (untrimmed − trimmed) / untrimmed.";

    /// <summary>The Dice drop.</summary>
    public const string Drop = "Dice of the first task (wholebody) after step 1 minus after step 4, in Dice points.";

    /// <summary>What the overlaps section measures.</summary>
    public const string Overlaps = "The pathology subjects' host organs are labelled too (cseg phantom --host-organs: the same seeds, so the same images), and a decoder trained on lesions and organs together (the pathology schedule) on the frozen encoder; each test subject is segmented with the whole-body decoder alone, the new decoder alone and both merged (where both claim an organ, they vote per voxel with their calibrated margins; a lesion's voxels join its host organ). Mean Dice over the subjects per structure (cseg evaluate --labels on the pathology subjects, --task wholebody on the healthy ones); the mean row is the mean over the host organs.";
}
