namespace ContinualSegment.Dicom.Network;

/// <summary>Asynchronous operations window sub-item (53H); 0 means unlimited.</summary>
public sealed record AsyncOperationsWindow(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed);
