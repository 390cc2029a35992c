using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Storage;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// One received C-STORE: who sent it, what it is, and the temporary file holding it as a complete Part 10 file:
/// file meta information built from the request, then the data set exactly as received (encoded in
/// <see cref="TransferSyntaxUid"/>) from <see cref="DataSetOffset"/> on. The handler gives the file its final name
/// with <see cref="ReceivedFile.Publish"/>; otherwise it is gone after the handler returns.
/// </summary>
public sealed record DicomStoreContext
{
    /// <summary>The calling AE title of the association.</summary>
    public required string CallingAeTitle { get; init; }

    /// <summary>The called AE title of the association.</summary>
    public required string CalledAeTitle { get; init; }

    /// <summary>The peer's address.</summary>
    public IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>Affected SOP Class UID of the request (syntax-checked).</summary>
    public required string SopClassUid { get; init; }

    /// <summary>Affected SOP Instance UID of the request (syntax-checked).</summary>
    public required string SopInstanceUid { get; init; }

    /// <summary>The transfer syntax accepted on the presentation context.</summary>
    public required string TransferSyntaxUid { get; init; }

    /// <summary>The received Part 10 file (meta information, then the data set as received).</summary>
    public required ReceivedFile File { get; init; }

    /// <summary>Where the received file can be read while the handler runs (<see cref="ReceivedFile.Path"/>).</summary>
    public string FilePath => File.Path;

    /// <summary>Where the data set starts in the file (the length of the preamble and meta information).</summary>
    public long DataSetOffset { get; init; }

    /// <summary>Length of the data set in bytes.</summary>
    public long DataSetLength { get; init; }

    /// <summary>The full C-STORE request (move originator fields, priority, message ID).</summary>
    public required CStoreRequest Request { get; init; }
}
