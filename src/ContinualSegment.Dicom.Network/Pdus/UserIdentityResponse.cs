using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>User identity negotiation sub-item of an accept (59H).</summary>
public sealed record UserIdentityResponse(ReadOnlyMemory<byte> ServerResponse);
