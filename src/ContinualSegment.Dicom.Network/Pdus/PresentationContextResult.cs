using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Result/reason of a presentation context in an A-ASSOCIATE-AC PDU.</summary>
public enum PresentationContextResult
{
    /// <summary>Acceptance.</summary>
    Acceptance = 0,

    /// <summary>User-rejection.</summary>
    UserRejection = 1,

    /// <summary>No reason (provider rejection).</summary>
    NoReason = 2,

    /// <summary>Abstract syntax not supported (provider rejection).</summary>
    AbstractSyntaxNotSupported = 3,

    /// <summary>Transfer syntaxes not supported (provider rejection).</summary>
    TransferSyntaxesNotSupported = 4,
}
