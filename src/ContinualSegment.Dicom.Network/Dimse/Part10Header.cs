using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Builds the PS3.10 preamble, "DICM" prefix and file meta information group for a received instance.</summary>
internal static class Part10Header
{
    public static byte[] Build(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourceAeTitle)
    {
        var meta = new DicomDataset();
        meta.Add(DicomElement.FromValues<byte>(DicomTags.FileMetaInformationVersion, DicomVR.OB, 0, 1));
        meta.Add(DicomElement.FromStrings(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, sopClassUid));
        meta.Add(DicomElement.FromStrings(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sopInstanceUid));
        meta.Add(DicomElement.FromStrings(DicomTags.TransferSyntaxUID, DicomVR.UI, transferSyntaxUid));
        meta.Add(DicomElement.FromStrings(DicomTags.ImplementationClassUID, DicomVR.UI, DicomUid.ImplementationClassUid));
        meta.Add(DicomElement.FromStrings(DicomTags.ImplementationVersionName, DicomVR.SH, DicomUid.ImplementationVersionName));
        if (!string.IsNullOrEmpty(sourceAeTitle) && AeTitle.IsValid(sourceAeTitle))
        {
            meta.Add(DicomElement.FromStrings(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, sourceAeTitle));
        }

        var body = DicomDatasetWriter.ToBytes(meta, DicomTransferSyntax.ExplicitVRLittleEndian);
        var header = new byte[128 + 4 + 12 + body.Length];
        "DICM"u8.CopyTo(header.AsSpan(128));
        var g = header.AsSpan(132);
        BinaryPrimitives.WriteUInt16LittleEndian(g, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(g[2..], 0x0000);
        g[4] = (byte)'U';
        g[5] = (byte)'L';
        BinaryPrimitives.WriteUInt16LittleEndian(g[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(g[8..], (uint)body.Length);
        body.CopyTo(header, 144);
        return header;
    }
}
