namespace ContinualSegment.Model.Trimming;

/// <summary>A progress report of a trimming run.</summary>
/// <param name="Phase">The current step.</param>
/// <param name="Completed">Items of the step done (candidates or finalists).</param>
/// <param name="Total">Items of the step in all.</param>
/// <param name="Message">A line for a log or a console.</param>
public sealed record TrimProgress(TrimPhase Phase, int Completed, int Total, string Message);
