using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// Works on received C-STORE data sets (the acceptance policy has already decided which associations and
/// contexts are allowed). The returned status is sent in the C-STORE-RSP; an exception is mapped to a failure
/// status (I/O: A700 out of resources, malformed data: C000 cannot understand, anything else: 0110).
/// </summary>
public interface IDicomStoreHandler
{
    /// <summary>Handles one instance.</summary>
    ValueTask<DimseStatus> StoreAsync(DicomStoreContext context, CancellationToken cancellationToken);
}
