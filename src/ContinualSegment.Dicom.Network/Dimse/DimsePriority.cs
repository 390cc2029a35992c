using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Priority (0000,0700) of a request.</summary>
public enum DimsePriority : ushort
{
    /// <summary>Medium (0000H).</summary>
    Medium = 0x0000,

    /// <summary>High (0001H).</summary>
    High = 0x0001,

    /// <summary>Low (0002H).</summary>
    Low = 0x0002,
}
