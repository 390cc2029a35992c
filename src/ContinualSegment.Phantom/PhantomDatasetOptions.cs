namespace ContinualSegment.Phantom;

/// <summary>What <see cref="PhantomDatasetWriter"/> writes.</summary>
public sealed record PhantomDatasetOptions
{
    /// <summary>wholebody | chest | headneck | pathology.</summary>
    public required string Task { get; init; }

    public required int Cases { get; init; }

    public required int Seed { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>In-plane matrix size (default 256).</summary>
    public int Size { get; init; } = 256;

    /// <summary>Fixed slice spacing (mm); drawn from 1.5–3 mm when null.</summary>
    public double? SliceSpacingMm { get; init; }

    /// <summary>Also write one DICOM CT series per case (needs an <see cref="IPhantomCaseSink"/>).</summary>
    public bool Dicom { get; init; }

    /// <summary>
    /// Also label the host organs of the task's lesions (the liver with a liver tumour, the lung lobes, the oesophagus),
    /// after the task's own labels, as a lesion dataset that outlines its organs does; the lesion keeps its own label
    /// inside its host. Only for a task with lesions (pathology).
    /// </summary>
    public bool HostOrgans { get; init; }

    /// <summary>Cases generated at once (each case also uses threads inside).</summary>
    public int MaxParallelCases { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    public void Validate()
    {
        PhantomFieldOfView.For(Task);
        if (Cases < 1 || Cases > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Cases), Cases, "Cases must be 1..100000.");
        }

        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new ArgumentException("An output directory is required.", nameof(OutputDirectory));
        }

        if (Size < 16 || Size > 2048)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "Size must be 16..2048.");
        }

        if (MaxParallelCases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelCases), MaxParallelCases, "Must be at least 1.");
        }
    }
}
