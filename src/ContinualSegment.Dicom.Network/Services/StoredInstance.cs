using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Dicom.Network.Services;

/// <summary>An instance a <see cref="StorageListener"/> wrote under its final name.</summary>
/// <param name="Path">The file's final path.</param>
/// <param name="CallingAeTitle">The sender's AE title.</param>
/// <param name="CalledAeTitle">The AE title the sender called.</param>
/// <param name="RemoteEndPoint">The sender's address.</param>
/// <param name="SopClassUid">The instance's SOP class.</param>
/// <param name="SopInstanceUid">The instance's SOP instance UID.</param>
/// <param name="TransferSyntaxUid">The transfer syntax it was received (and stored) in.</param>
public sealed record StoredInstance(
    string Path, string CallingAeTitle, string CalledAeTitle, IPEndPoint? RemoteEndPoint, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid);
