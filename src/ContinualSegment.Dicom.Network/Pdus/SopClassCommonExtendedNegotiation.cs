using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>SOP class common extended negotiation sub-item (57H).</summary>
public sealed record SopClassCommonExtendedNegotiation(string SopClassUid, string ServiceClassUid, IReadOnlyList<string> RelatedGeneralSopClassUids);
