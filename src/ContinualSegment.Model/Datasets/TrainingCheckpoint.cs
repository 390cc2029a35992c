using System.Text.Json;
using System.Text.Json.Serialization;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Model.Training;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// A resumable training state: <c>checkpoint.json</c> (this record), <c>encoder.bin</c> (runs that train the encoder),
/// <c>decoder.bin</c>, <c>distilled/&lt;id&gt;.bin</c> (the earlier decoders a Learning-without-Forgetting run trains) and
/// <c>optimizer.bin</c> (the optimiser's state dict over all of them, momentum buffers included).
/// A loss-scaled (float16) run also records its <see cref="LossScaler"/> state; checkpoints written without
/// it (older ones, or runs without loss scaling) resume from the initial loss scale.
/// </summary>
public sealed record TrainingCheckpoint
{
    /// <summary>The format tag.</summary>
    public const string CurrentFormat = "cseg-checkpoint/1";

    /// <summary>The state file name.</summary>
    public const string StateFileName = "checkpoint.json";

    /// <summary>The folder of the distilled decoders' weights.</summary>
    public const string DistilledFolderName = "distilled";

    // A run without validation patches reports a NaN Dice: written as the literal "NaN".
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Format tag.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>The decoder being trained.</summary>
    public string DecoderId { get; init; } = string.Empty;

    /// <summary>Whether the encoder is trained too (base runs, and the continual steps of the baselines that retrain it).</summary>
    public bool TrainEncoder { get; init; }

    /// <summary>Epochs finished.</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Epochs of the whole run.</summary>
    public int TotalEpochs { get; init; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; init; }

    /// <summary>The reports of the finished epochs.</summary>
    public IReadOnlyList<EpochReport> Reports { get; init; } = [];

    /// <summary>The dynamic loss scaler's state after the last finished epoch; null when the run does not scale its loss.</summary>
    public LossScalerState? LossScaler { get; init; }

    /// <summary>The earlier decoders trained by distillation (Learning without Forgetting), in the optimiser's order; empty otherwise (and in checkpoints written before they existed).</summary>
    public IReadOnlyList<string> DistilledDecoders { get; init; } = [];

    /// <summary>The distillation temperature; null when nothing is distilled.</summary>
    public double? DistillationTemperature { get; init; }

    /// <summary>The distillation weight; null when nothing is distilled.</summary>
    public double? DistillationWeight { get; init; }

    /// <summary>The weights file of distilled decoder <paramref name="id"/> in checkpoint <paramref name="directory"/>.</summary>
    public static string DistilledPath(string directory, string id) => Path.Combine(directory, DistilledFolderName, id + ".bin");

    /// <summary>Whether <paramref name="directory"/> holds a checkpoint.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, StateFileName));

    /// <summary>Removes the checkpoint's files (and the folder when it is then empty).</summary>
    public static void Delete(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        foreach (var name in new[] { StateFileName, "encoder.bin", "decoder.bin", "optimizer.bin" })
        {
            File.Delete(Path.Combine(directory, name));
        }

        var distilled = Path.Combine(directory, DistilledFolderName);
        if (Directory.Exists(distilled))
        {
            foreach (var file in Directory.EnumerateFiles(distilled, "*.bin"))
            {
                File.Delete(file);
            }

            if (!Directory.EnumerateFileSystemEntries(distilled).Any())
            {
                Directory.Delete(distilled);
            }
        }

        if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }
    }

    /// <summary>Reads the state file.</summary>
    public static TrainingCheckpoint Load(string directory)
    {
        var path = Path.Combine(directory, StateFileName);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"{path} is missing or too large");
        }

        var state = JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} is empty");
        if (state.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path} has format '{state.Format}', expected '{CurrentFormat}'");
        }

        if (state.LossScaler is { } scaler
            && (!double.IsFinite(scaler.Scale) || scaler.Scale < DynamicLossScaler.MinScale || scaler.Scale > DynamicLossScaler.MaxScale || scaler.GoodSteps < 0 || scaler.SkippedSteps < 0))
        {
            throw new InvalidDataException($"{path} has an invalid loss scaler state (scale {scaler.Scale}, growth tracker {scaler.GoodSteps}, skipped {scaler.SkippedSteps})");
        }

        return state;
    }

    /// <summary>Writes the state file (after the weight files, so a complete state file means a complete checkpoint).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, StateFileName);
        DurableFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
