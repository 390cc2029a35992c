using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>A presentation context accepted on an established association: its ID, abstract syntax and negotiated transfer syntax.</summary>
public sealed record AcceptedPresentationContext(byte Id, string AbstractSyntax, string TransferSyntax);
