using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>The category of a DIMSE status code (PS3.7 Annex C).</summary>
public enum DimseStatusCategory
{
    /// <summary>0000: the operation completed.</summary>
    Success,

    /// <summary>0001, Bxxx, 0107, 0116: completed with a warning.</summary>
    Warning,

    /// <summary>Axxx, Cxxx and the 01xx/02xx failures.</summary>
    Failure,

    /// <summary>FF00/FF01: more responses follow.</summary>
    Pending,

    /// <summary>FE00: the operation was cancelled.</summary>
    Cancel,
}
