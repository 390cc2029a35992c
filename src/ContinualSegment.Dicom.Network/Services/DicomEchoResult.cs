using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Dicom.Network.Services;

/// <summary>One C-ECHO: the peer's status and how long the request took to be answered.</summary>
/// <param name="Status">The C-ECHO-RSP status.</param>
/// <param name="RoundTrip">Time from sending the request to receiving the response.</param>
public sealed record DicomEchoResult(DimseStatus Status, TimeSpan RoundTrip);
