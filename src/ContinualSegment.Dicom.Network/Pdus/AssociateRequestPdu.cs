using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RQ PDU (PS3.8 §9.3.2).</summary>
public sealed record AssociateRequestPdu : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.AssociateRequest;

    /// <summary>Protocol version bit field; bit 0 (version 1) must be set.</summary>
    public ushort ProtocolVersion { get; init; } = 1;

    /// <summary>Called AE title, without padding.</summary>
    public required string CalledAeTitle { get; init; }

    /// <summary>Calling AE title, without padding.</summary>
    public required string CallingAeTitle { get; init; }

    /// <summary>Application context name; the DICOM application context for every current DICOM use.</summary>
    public string ApplicationContextName { get; init; } = DicomNetworkUids.ApplicationContext;

    /// <summary>Proposed presentation contexts, in the order sent.</summary>
    public IReadOnlyList<PresentationContextProposal> PresentationContexts { get; init; } = [];

    /// <summary>User information item.</summary>
    public UserInformation UserInformation { get; init; } = new();
}
