using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>SCP/SCU role selection sub-item (54H) for one SOP class.</summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);
