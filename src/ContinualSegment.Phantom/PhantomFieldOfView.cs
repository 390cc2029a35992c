namespace ContinualSegment.Phantom;

/// <summary>
/// Scan range of a dataset in canonical anatomy heights (mm; 0 ≈ perineum, 880 ≈ vertex) and the
/// range its reconstruction diameter is drawn from.
/// </summary>
public sealed record PhantomFieldOfView(string Task, double ZMin, double ZMax, double FovMinMm, double FovMaxMm, string BodyPart, string StudyDescription)
{
    /// <summary>wholebody: head to mid-thigh; chest: lower neck to upper abdomen; headneck: C7 to vertex; pathology: chest–abdomen.</summary>
    public static IReadOnlyList<PhantomFieldOfView> Defaults { get; } =
    [
        new("wholebody", -230, 895, 520, 560, "WHOLEBODY", "CT WHOLE BODY"),
        new("chest", 330, 690, 440, 500, "CHEST", "CT CHEST"),
        new("headneck", 590, 900, 250, 300, "HEADNECK", "CT HEAD NECK"),
        new("pathology", 290, 650, 420, 480, "CHEST_ABDOMEN", "CT CHEST ABDOMEN"),
    ];

    public static PhantomFieldOfView For(string task) =>
        Defaults.FirstOrDefault(f => string.Equals(f.Task, task, StringComparison.Ordinal))
        ?? throw new ArgumentException($"Unknown phantom task '{task}'; expected one of {string.Join(", ", Defaults.Select(d => d.Task))}.", nameof(task));
}
