namespace ContinualSegment.Node.Export;

/// <summary>A delivery claimed for sending: the destination and the result files to send.</summary>
public sealed record DueDelivery(long Id, long JobId, string Destination, int Attempt, DateTimeOffset CreatedAt, IReadOnlyList<string> RelativePaths);
