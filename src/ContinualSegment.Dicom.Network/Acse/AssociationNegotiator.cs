using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Acse;

/// <summary>
/// ACSE-level negotiation against an <see cref="AcceptancePolicy"/>: association rejection with the PS3.8
/// source/reason, or per-presentation-context results, role selection answers and the user identity response.
/// </summary>
public sealed class AssociationNegotiator : IAssociationAcceptor
{
    private readonly AcceptancePolicy policy;

    /// <summary>Creates the negotiator.</summary>
    public AssociationNegotiator(AcceptancePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var (abstractSyntax, transferSyntaxes) in policy.AbstractSyntaxes)
        {
            UidRules.Validate(abstractSyntax, nameof(policy));
            foreach (var ts in transferSyntaxes)
            {
                UidRules.Validate(ts, nameof(policy));
            }
        }

        this.policy = policy;
    }

    /// <inheritdoc />
    public async ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (this.policy.AllowedPeerAddresses.Count > 0
            && (context.RemoteEndPoint is null || !this.policy.AllowedPeerAddresses.Any(a => Normalize(a).Equals(Normalize(context.RemoteEndPoint.Address)))))
        {
            return Reject(AssociateRejectReasons.UserNoReasonGiven);
        }

        if (request.ApplicationContextName != DicomNetworkUids.ApplicationContext)
        {
            return Reject(AssociateRejectReasons.ApplicationContextNameNotSupported);
        }

        if (this.policy.CalledAeTitles.Count > 0 && !this.policy.CalledAeTitles.Contains(request.CalledAeTitle))
        {
            return Reject(AssociateRejectReasons.CalledAeTitleNotRecognized);
        }

        if (this.policy.CallingAeTitles.Count > 0 && !this.policy.CallingAeTitles.Contains(request.CallingAeTitle))
        {
            return Reject(AssociateRejectReasons.CallingAeTitleNotRecognized);
        }

        UserIdentityResponse? identityResponse = null;
        if (this.policy.UserIdentityValidator is { } validator)
        {
            var identity = request.UserInformation.UserIdentity;
            if (identity is null)
            {
                if (this.policy.RequireUserIdentity)
                {
                    return Reject(AssociateRejectReasons.UserNoReasonGiven);
                }
            }
            else
            {
                var verdict = await validator(identity, context, cancellationToken).ConfigureAwait(false);
                if (!verdict.Accepted)
                {
                    return Reject(AssociateRejectReasons.UserNoReasonGiven);
                }

                if (identity.PositiveResponseRequested)
                {
                    identityResponse = new UserIdentityResponse(verdict.ServerResponse);
                }
            }
        }

        var results = new List<PresentationContextResponse>(request.PresentationContexts.Count);
        foreach (var proposal in request.PresentationContexts)
        {
            results.Add(Negotiate(context, proposal));
        }

        var roles = new List<RoleSelection>();
        foreach (var proposed in request.UserInformation.RoleSelections)
        {
            if (this.policy.Roles.TryGetValue(proposed.SopClassUid, out var allowed))
            {
                roles.Add(new RoleSelection(proposed.SopClassUid, proposed.ScuRole && allowed.ScuRole, proposed.ScpRole && allowed.ScpRole));
            }
        }

        return AssociationDecision.Accepted(new AssociateAcceptPdu
        {
            CalledAeTitle = request.CalledAeTitle,
            CallingAeTitle = request.CallingAeTitle,
            PresentationContexts = results,
            UserInformation = new UserInformation
            {
                RoleSelections = roles,
                UserIdentityResponse = identityResponse,
                AsyncOperationsWindow = request.UserInformation.AsyncOperationsWindow is null ? null : new AsyncOperationsWindow(1, 1),
            },
        });
    }

    private static AssociationDecision Reject(byte reason) =>
        AssociationDecision.Rejected(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, reason);

    private static System.Net.IPAddress Normalize(System.Net.IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private PresentationContextResponse Negotiate(AssociationRequestContext context, PresentationContextProposal proposal)
    {
        if (!this.policy.AbstractSyntaxes.TryGetValue(proposal.AbstractSyntax, out var preferred))
        {
            return new PresentationContextResponse(proposal.Id, PresentationContextResult.AbstractSyntaxNotSupported, proposal.TransferSyntaxes[0]);
        }

        if (this.policy.ContextOverride?.Invoke(context, proposal) is { } overridden && overridden != PresentationContextResult.Acceptance)
        {
            return new PresentationContextResponse(proposal.Id, overridden, proposal.TransferSyntaxes[0]);
        }

        var chosen = this.policy.TransferSyntaxPreference == TransferSyntaxPreference.FirstProposed
            ? proposal.TransferSyntaxes.FirstOrDefault(preferred.Contains)
            : preferred.FirstOrDefault(proposal.TransferSyntaxes.Contains);
        if (chosen is not null)
        {
            return new PresentationContextResponse(proposal.Id, PresentationContextResult.Acceptance, chosen);
        }

        return new PresentationContextResponse(proposal.Id, PresentationContextResult.TransferSyntaxesNotSupported, proposal.TransferSyntaxes[0]);
    }
}
