namespace ContinualSegment.Model.Pipeline;

/// <summary>A decoder the pipeline found in the model directory.</summary>
/// <param name="DecoderId">The decoder id.</param>
/// <param name="Task">Its task (empty when unknown).</param>
/// <param name="Source"><c>plan</c> or <c>package</c>.</param>
/// <param name="Loaded">Whether it is in the bank and will be gated and run.</param>
/// <param name="Reason">Why it is not loaded (disabled, refused…), or empty.</param>
public sealed record LoadedDecoder(string DecoderId, string Task, string Source, bool Loaded, string Reason);
