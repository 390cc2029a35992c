using System.Net;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Acse;

/// <summary>
/// What an acceptor accepts: AE titles, peer addresses, abstract syntaxes with transfer syntaxes in order of
/// preference, SCP/SCU role answers and a user identity check. Empty allow-lists allow everything.
/// </summary>
public sealed record AcceptancePolicy
{
    /// <summary>Called AE titles we answer to; empty accepts any.</summary>
    public IReadOnlySet<string> CalledAeTitles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Calling AE titles we accept; empty accepts any.</summary>
    public IReadOnlySet<string> CallingAeTitles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Peer addresses we accept; empty accepts any.</summary>
    public IReadOnlyList<IPAddress> AllowedPeerAddresses { get; init; } = [];

    /// <summary>Accepted abstract syntaxes, each with its transfer syntaxes in our order of preference.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AbstractSyntaxes { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// Whose order decides between several acceptable transfer syntaxes of one context: ours (the order of
    /// <see cref="AbstractSyntaxes"/>, the default) or the proposer's.
    /// </summary>
    public TransferSyntaxPreference TransferSyntaxPreference { get; init; } = TransferSyntaxPreference.Ours;

    /// <summary>
    /// Roles we allow per SOP class; a proposed role selection is answered with the proposed roles that are also
    /// allowed here. A SOP class without an entry gets no answer (default roles apply).
    /// </summary>
    public IReadOnlyDictionary<string, RoleSelection> Roles { get; init; } = new Dictionary<string, RoleSelection>(StringComparer.Ordinal);

    /// <summary>
    /// Optional per-context override: return a non-acceptance result (user-rejection, no-reason) to refuse a
    /// context whose abstract syntax is otherwise supported; null leaves the decision to the syntax lists.
    /// </summary>
    public Func<AssociationRequestContext, PresentationContextProposal, PresentationContextResult?>? ContextOverride { get; init; }

    /// <summary>Checks a proposed user identity; null accepts any (and ignores the sub-item).</summary>
    public Func<UserIdentityRequest, AssociationRequestContext, CancellationToken, ValueTask<UserIdentityVerdict>>? UserIdentityValidator { get; init; }

    /// <summary>Reject requests without a user identity sub-item (only with a validator).</summary>
    public bool RequireUserIdentity { get; init; }
}
