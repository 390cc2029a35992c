using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Pipeline;

/// <summary>What the pipeline did with one decoder of the model directory.</summary>
/// <param name="DecoderId">The decoder.</param>
/// <param name="Task">Its task (empty when unknown).</param>
/// <param name="Source"><c>plan</c> (a decoder of plan.json) or <c>package</c> (an installed decoder package).</param>
/// <param name="Ran">Whether it predicted on this scan.</param>
/// <param name="Reason">Why it ran or was skipped, in words.</param>
/// <param name="ValidSlices">Model-grid slices inside its body-part range (0 when skipped before gating).</param>
/// <param name="TotalSlices">Model-grid slices of the scan.</param>
/// <param name="Range">Its body-part range, when known.</param>
public sealed record DecoderDecision(string DecoderId, string Task, string Source, bool Ran, string Reason, int ValidSlices, int TotalSlices, BodyPartRange? Range);
