using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Asynchronous operations window sub-item (53H); 0 means unlimited.</summary>
public sealed record AsyncOperationsWindow(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);
