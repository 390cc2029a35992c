using System.Net;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// One received C-STORE: who sent it, what it is, and the temporary file holding the data set exactly as
/// received (encoded in <see cref="TransferSyntaxUid"/>, without file meta information). The handler may move
/// the file away; otherwise it is deleted after the handler returns.
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

    /// <summary>Path of the temporary file holding the data set.</summary>
    public required string DataSetPath { get; init; }

    /// <summary>Length of the data set in bytes.</summary>
    public long DataSetLength { get; init; }

    /// <summary>The full C-STORE request (move originator fields, priority, message ID).</summary>
    public required CStoreRequest Request { get; init; }
}
