using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>
/// The answer to one proposed presentation context in an A-ASSOCIATE-AC (item type 21H).
/// <see cref="TransferSyntax"/> is significant only when <see cref="Result"/> is acceptance.
/// </summary>
public sealed record PresentationContextResponse(byte Id, PresentationContextResult Result, string TransferSyntax);
