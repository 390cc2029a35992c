using ContinualSegment.Dicom.Network.Acse;

namespace ContinualSegment.Dicom.Network.Acse;

/// <summary>Which transfer syntax an acceptor picks when a presentation context proposes several it accepts.</summary>
public enum TransferSyntaxPreference
{
    /// <summary>The first of the acceptor's own list (<see cref="AcceptancePolicy.AbstractSyntaxes"/>) that was proposed.</summary>
    Ours,

    /// <summary>The first proposed syntax the acceptor accepts: the sender's preference wins, so it never has to convert for us.</summary>
    FirstProposed,
}
