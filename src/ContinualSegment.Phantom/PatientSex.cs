namespace ContinualSegment.Phantom;

/// <summary>Sex of the simulated subject (affects breast size and fat distribution).</summary>
public enum PatientSex
{
    Female,
    Male,
}
