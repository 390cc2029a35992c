using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// The outcome of sending one instance: the peer's status, or, when nothing could be sent (no acceptable
/// presentation context, unreadable file), a local error and no status.
/// </summary>
public sealed record DicomStoreResult(string? SourcePath, string? SopInstanceUid, DimseStatus? Status, string? Error, int Attempts)
{
    /// <summary>True when the peer answered success or warning.</summary>
    public bool Succeeded => Status is { IsSuccessOrWarning: true };
}
