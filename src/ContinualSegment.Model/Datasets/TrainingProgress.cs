using System.Globalization;
using ContinualSegment.Model.Training;

namespace ContinualSegment.Model.Datasets;

/// <summary>Progress after one epoch of a run.</summary>
/// <param name="Report">The epoch's loss, validation Dice and learning rate.</param>
/// <param name="TotalEpochs">Epochs of the whole run.</param>
/// <param name="Elapsed">Time spent by this process on the run so far.</param>
/// <param name="Remaining">Estimated time to finish.</param>
public sealed record TrainingProgress(EpochReport Report, int TotalEpochs, TimeSpan Elapsed, TimeSpan Remaining)
{
    /// <summary>Every epoch of the run so far, this one included (also those before a resume, from the checkpoint).</summary>
    public IReadOnlyList<EpochReport> History { get; init; } = [Report];

    /// <summary>A one-line summary for a console.</summary>
    public string ToConsoleLine()
    {
        var dice = double.IsNaN(Report.ValidationDice) ? "n/a" : Report.ValidationDice.ToString("F3", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"epoch {Report.Epoch}/{TotalEpochs}  loss {Report.TrainingLoss:F4}  val dice {dice}  lr {Report.LearningRate:G3}  elapsed {Format(Elapsed)}  eta {Format(Remaining)}");
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:D2}m")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:D2}m{t.Seconds:D2}s");
}
