using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>The service-user side of an association: receives reassembled presentation data and release indications.</summary>
public interface IAssociationHandler
{
    /// <summary>
    /// Called, one at a time and in order, for every complete command or data set. The handler may answer with
    /// <see cref="Association.SendMessageAsync"/>. An exception aborts the association.
    /// </summary>
    ValueTask OnMessageAsync(Association association, PresentationDataMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Called when the peer asks to release, after every earlier message was handled; the A-RELEASE-RP is sent
    /// when the returned task completes.
    /// </summary>
    ValueTask OnReleaseRequestedAsync(Association association, CancellationToken cancellationToken);
}
