namespace ContinualSegment.Model.Datasets;

/// <summary>A train/validation partition of a dataset's cases.</summary>
/// <param name="Training">Cases used for training.</param>
/// <param name="Validation">Cases held out for validation.</param>
public sealed record DatasetSplit(IReadOnlyList<NnUnetCase> Training, IReadOnlyList<NnUnetCase> Validation);
