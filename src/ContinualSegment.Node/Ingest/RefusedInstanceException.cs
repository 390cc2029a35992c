using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Node.Ingest;

/// <summary>An instance ingest refuses, with the DIMSE status to answer and the reason to log.</summary>
internal sealed class RefusedInstanceException(DimseStatus status, string message) : Exception(message)
{
    public DimseStatus Status { get; } = status;
}
