using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// Optional extension of an <see cref="IAssociationHandler"/>: data set fragments it claims are handed over as
/// they arrive instead of being reassembled in memory (used to stream C-STORE data sets to disk).
/// </summary>
internal interface IDataSetFragmentSink
{
    /// <summary>True when the next data set fragment on <paramref name="presentationContextId"/> goes to the sink.</summary>
    bool ClaimsDataSet(byte presentationContextId);

    /// <summary>Receives one claimed fragment; its bytes are only valid during the call.</summary>
    ValueTask OnDataSetFragmentAsync(Association association, PresentationDataValue fragment, CancellationToken cancellationToken);
}
