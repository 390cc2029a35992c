using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>A received DIMSE message with its presentation context and, when present, its data set bytes.</summary>
internal sealed record DimseReceivedMessage(DimseMessage Message, byte ContextId, ReadOnlyMemory<byte>? DataSet);
