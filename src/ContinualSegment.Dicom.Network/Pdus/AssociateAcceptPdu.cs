using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-AC PDU (PS3.8 §9.3.3).</summary>
public sealed record AssociateAcceptPdu : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.AssociateAccept;

    /// <summary>Protocol version bit field.</summary>
    public ushort ProtocolVersion { get; init; } = 1;

    /// <summary>Echo of the called AE title of the request (not tested on receipt).</summary>
    public string CalledAeTitle { get; init; } = string.Empty;

    /// <summary>Echo of the calling AE title of the request (not tested on receipt).</summary>
    public string CallingAeTitle { get; init; } = string.Empty;

    /// <summary>Application context name.</summary>
    public string ApplicationContextName { get; init; } = DicomNetworkUids.ApplicationContext;

    /// <summary>One result per proposed presentation context.</summary>
    public IReadOnlyList<PresentationContextResponse> PresentationContexts { get; init; } = [];

    /// <summary>User information item.</summary>
    public UserInformation UserInformation { get; init; } = new();
}
