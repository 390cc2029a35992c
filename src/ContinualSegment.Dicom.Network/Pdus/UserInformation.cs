using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>User information item (50H) and its sub-items (PS3.7 Annex D.3.3, PS3.8 Annex D).</summary>
public sealed record UserInformation
{
    /// <summary>Maximum length of a P-DATA-TF PDU the sender can receive; 0 means no limit; null when absent.</summary>
    public uint? MaxPduLength { get; init; }

    /// <summary>Implementation class UID.</summary>
    public string? ImplementationClassUid { get; init; }

    /// <summary>Implementation version name (1 to 16 characters).</summary>
    public string? ImplementationVersionName { get; init; }

    /// <summary>Asynchronous operations window.</summary>
    public AsyncOperationsWindow? AsyncOperationsWindow { get; init; }

    /// <summary>SCP/SCU role selection sub-items.</summary>
    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    /// <summary>SOP class extended negotiation sub-items.</summary>
    public IReadOnlyList<SopClassExtendedNegotiation> ExtendedNegotiations { get; init; } = [];

    /// <summary>SOP class common extended negotiation sub-items (request only).</summary>
    public IReadOnlyList<SopClassCommonExtendedNegotiation> CommonExtendedNegotiations { get; init; } = [];

    /// <summary>User identity negotiation (request).</summary>
    public UserIdentityRequest? UserIdentity { get; init; }

    /// <summary>User identity negotiation (accept).</summary>
    public UserIdentityResponse? UserIdentityResponse { get; init; }
}
