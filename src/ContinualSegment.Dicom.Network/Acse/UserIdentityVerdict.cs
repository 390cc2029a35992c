using ContinualSegment.Dicom.Network.Acse;

namespace ContinualSegment.Dicom.Network.Acse;

/// <summary>Result of a user identity check; <see cref="ServerResponse"/> is returned when a positive response was requested.</summary>
public sealed record UserIdentityVerdict(bool Accepted, ReadOnlyMemory<byte> ServerResponse);
