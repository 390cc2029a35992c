using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom;

/// <summary>Per-subject random draws that shape one phantom case.</summary>
public sealed record SubjectParameters
{
    public required PatientSex Sex { get; init; }

    public required ContrastPhase Phase { get; init; }

    /// <summary>Body scale per axis (x width, y depth, z height).</summary>
    public required Vec3 Scale { get; init; }

    /// <summary>Small whole-body rotation (degrees about x, y, z).</summary>
    public required Vec3 RotationDegrees { get; init; }

    /// <summary>Subcutaneous fat thickness (mm).</summary>
    public required double FatMm { get; init; }

    /// <summary>Amplitude of the smooth whole-body deformation (mm).</summary>
    public required double WarpAmplitudeMm { get; init; }

    /// <summary>Standard deviation of the (correlated) image noise in HU.</summary>
    public required double NoiseSigmaHu { get; init; }

    /// <summary>Age in years (metadata only).</summary>
    public required int AgeYears { get; init; }

    public static SubjectParameters Draw(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double U(double a, double b) => a + ((b - a) * rng.NextDouble());
        PatientSex sex = rng.NextDouble() < 0.5 ? PatientSex.Female : PatientSex.Male;
        double p = rng.NextDouble();
        ContrastPhase phase = p < 0.2 ? ContrastPhase.Native : p < 0.5 ? ContrastPhase.Arterial : ContrastPhase.PortalVenous;
        double h = sex == PatientSex.Male ? U(0.96, 1.06) : U(0.91, 1.01);
        double w = U(0.92, 1.1);
        return new SubjectParameters
        {
            Sex = sex,
            Phase = phase,
            Scale = new Vec3(w * h, U(0.94, 1.08) * h, h),
            RotationDegrees = new Vec3(U(-0.7, 0.7), U(-1, 1), U(-3, 3)),
            FatMm = U(6, sex == PatientSex.Female ? 26 : 20),
            WarpAmplitudeMm = U(1, 5),
            NoiseSigmaHu = U(10, 20),
            AgeYears = (int)U(25, 85),
        };
    }
}
