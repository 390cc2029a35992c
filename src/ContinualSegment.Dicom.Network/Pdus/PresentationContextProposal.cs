namespace ContinualSegment.Dicom.Network;

/// <summary>A proposed presentation context of an A-ASSOCIATE-RQ (item type 20H).</summary>
public sealed record PresentationContextProposal(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);
