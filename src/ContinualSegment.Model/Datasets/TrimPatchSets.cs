using ContinualSegment.Model.Training;

namespace ContinualSegment.Model.Datasets;

/// <summary>The patches of a trimming run (<see cref="TrainingRunner.TrimPatchSetsAsync"/>).</summary>
/// <param name="Training">Patches of the training cases (distillation).</param>
/// <param name="Search">Patches of the validation cases that rank the search's candidates.</param>
/// <param name="Acceptance">Patches of the other validation cases, on which finalists are accepted (the same list as <paramref name="Search"/> when there is one validation case only).</param>
/// <param name="SearchCases">Case ids behind <paramref name="Search"/>.</param>
/// <param name="AcceptanceCases">Case ids behind <paramref name="Acceptance"/>.</param>
public sealed record TrimPatchSets(
    IReadOnlyList<TrainingSample> Training,
    IReadOnlyList<TrainingSample> Search,
    IReadOnlyList<TrainingSample> Acceptance,
    IReadOnlyList<string> SearchCases,
    IReadOnlyList<string> AcceptanceCases)
{
    /// <summary>The acceptance cases as whole preprocessed volumes (on the plan's grid), for acceptance by whole-volume Dice; empty when not loaded.</summary>
    public IReadOnlyList<PreprocessedCase> AcceptanceVolumes { get; init; } = [];

    /// <summary>Whether search and acceptance use different cases.</summary>
    public bool Separate => !ReferenceEquals(Search, Acceptance);
}
