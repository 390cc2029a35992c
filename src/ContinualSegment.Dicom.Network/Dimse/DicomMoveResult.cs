using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>The final C-MOVE response: status and sub-operation counts.</summary>
public sealed record DicomMoveResult(DimseStatus Status, int Completed, int Failed, int Warning, string? ErrorComment)
{
    /// <summary>The final response as received.</summary>
    public CMoveResponse? FinalResponse { get; init; }

    /// <summary>Pending responses received before the final one.</summary>
    public int PendingResponses { get; init; }
}
