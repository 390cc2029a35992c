namespace ContinualSegment.Cli.Doctor;

/// <summary>One line of the doctor's report.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">What was found, or why it failed (one line).</param>
public sealed record DoctorCheck(string Name, CheckStatus Status, string Detail);
