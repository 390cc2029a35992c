using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>
/// One presentation data value item of a P-DATA-TF PDU: a fragment of a command or data set of a message
/// on one presentation context (PS3.8 Annex E).
/// </summary>
public sealed record PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLastFragment, ReadOnlyMemory<byte> Data)
{
    /// <summary>The message control header byte: bit 0 command, bit 1 last fragment.</summary>
    public byte MessageControlHeader => (byte)((IsCommand ? 1 : 0) | (IsLastFragment ? 2 : 0));
}
