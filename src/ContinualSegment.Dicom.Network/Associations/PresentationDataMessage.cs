using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// A complete command set or data set received on one presentation context, reassembled from its P-DATA
/// fragments. A DIMSE message is a command followed (when the command says so) by a data set.
/// </summary>
public sealed record PresentationDataMessage(byte PresentationContextId, bool IsCommand, ReadOnlyMemory<byte> Bytes);
