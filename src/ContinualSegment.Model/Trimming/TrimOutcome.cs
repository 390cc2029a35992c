using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// A trimming run's result together with the accepted student: its plan (the teacher's classes, task,
/// body-part range, temperature and encoder fingerprint, the searched genotype, no deep supervision)
/// and its trained weights. <see cref="Student"/> is null when no student was accepted; then
/// <see cref="StudentPlan"/> is the teacher's plan. The caller owns (and disposes) the student.
/// </summary>
public sealed class TrimOutcome : IDisposable
{
    internal TrimOutcome(TrimResult result, DecoderPlan studentPlan, Decoder? student)
    {
        Result = result;
        StudentPlan = studentPlan;
        Student = student;
    }

    /// <summary>The numbers and the decision.</summary>
    public TrimResult Result { get; }

    /// <summary>The plan of the decoder to keep.</summary>
    public DecoderPlan StudentPlan { get; }

    /// <summary>The accepted student decoder (built for the teacher's encoder plan), or null.</summary>
    public Decoder? Student { get; }

    /// <summary>Disposes the student.</summary>
    public void Dispose() => Student?.Dispose();
}
