using System.Net;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Node.Hosting;

namespace ContinualSegment.Node.Ingest;

/// <summary>
/// The node's acceptance policy from configuration: which called AE titles are ours, which callers may connect (an AE
/// title, optionally tied to an address), and which SOP classes are accepted (Verification, CT and Enhanced CT always;
/// every other storage class only when it is kept). Presentation contexts are negotiated by
/// <see cref="AssociationNegotiator"/>.
/// </summary>
public sealed class NodeAcceptor : IAssociationAcceptor
{
    private readonly List<(string AeTitle, IPAddress? Address)> callers;
    private readonly AssociationNegotiator negotiator;

    /// <summary>Creates the acceptor from validated options.</summary>
    public NodeAcceptor(DicomListenerOptions listener, IngestOptions ingest)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(ingest);
        callers = listener.AllowedCallers.Select(c => (c.AeTitle, string.IsNullOrEmpty(c.Address) ? null : IPAddress.Parse(c.Address))).ToList();
        var policy = DicomAcceptancePolicies.Storage();
        var called = new HashSet<string>(listener.OtherAeTitles.Prepend(listener.AeTitle), StringComparer.Ordinal);
        var syntaxes = ingest.StoreOtherStorageClasses
            ? policy.AbstractSyntaxes
            : policy.AbstractSyntaxes
                .Where(s => s.Key == DicomUids.Verification || IngestStoreHandler.ProcessableSopClasses.Contains(s.Key))
                .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        negotiator = new AssociationNegotiator(policy with
        {
            CalledAeTitles = called,
            CallingAeTitles = new HashSet<string>(callers.Select(c => c.AeTitle), StringComparer.Ordinal),
            AbstractSyntaxes = syntaxes,
        });
    }

    /// <inheritdoc />
    public ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (callers.Count > 0)
        {
            var calling = context.Request.CallingAeTitle;
            var peer = context.RemoteEndPoint?.Address is { } a && a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : context.RemoteEndPoint?.Address;
            if (!callers.Any(c => string.Equals(c.AeTitle, calling, StringComparison.Ordinal) && (c.Address is null || c.Address.Equals(peer))))
            {
                return ValueTask.FromResult(AssociationDecision.Rejected(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReasons.CallingAeTitleNotRecognized));
            }
        }

        return negotiator.DecideAsync(context, cancellationToken);
    }
}
