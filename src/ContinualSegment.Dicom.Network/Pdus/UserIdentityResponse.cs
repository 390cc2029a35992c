namespace ContinualSegment.Dicom.Network;

/// <summary>User identity negotiation sub-item of an accept (59H).</summary>
public sealed record UserIdentityResponse(ReadOnlyMemory<byte> ServerResponse);
