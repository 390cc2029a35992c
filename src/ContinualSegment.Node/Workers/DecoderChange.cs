namespace ContinualSegment.Node.Workers;

/// <summary>What a decoder change did, as <see cref="DecoderEventRecorder"/> records it.</summary>
/// <param name="DecoderId">The decoder.</param>
/// <param name="Detail">Anything worth keeping (version, model directory, package file).</param>
public sealed record DecoderChange(string DecoderId, string Detail);
