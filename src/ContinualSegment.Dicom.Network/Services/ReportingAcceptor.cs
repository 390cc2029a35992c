using System.Globalization;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// Wraps an acceptor policy and reports each decision on one line (who asked, as whom, what was decided and why), so
/// an administrator watching <c>cseg dicom listen</c> sees why a modality cannot send.
/// </summary>
internal sealed class ReportingAcceptor(IAssociationAcceptor inner, Action<string> report) : IAssociationAcceptor
{
    public async ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken)
    {
        var decision = await inner.DecideAsync(context, cancellationToken).ConfigureAwait(false);
        var request = context.Request;
        var who = string.Create(CultureInfo.InvariantCulture, $"from {context.RemoteEndPoint?.ToString() ?? "an unknown peer"} ({request.CallingAeTitle} calling {request.CalledAeTitle})");
        if (decision.Reject is { } reject)
        {
            report($"Association {who} {reject.Describe()}");
        }
        else if (decision.Accept is { } accept)
        {
            var accepted = accept.PresentationContexts.Count(c => c.Result == PresentationContextResult.Acceptance);
            report(string.Create(CultureInfo.InvariantCulture, $"Association {who} accepted: {accepted} of {request.PresentationContexts.Count} presentation contexts"));
        }

        return decision;
    }
}
