using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>User identity negotiation sub-item of a request (58H).</summary>
public sealed record UserIdentityRequest(UserIdentityType IdentityType, bool PositiveResponseRequested, ReadOnlyMemory<byte> PrimaryField, ReadOnlyMemory<byte> SecondaryField);
