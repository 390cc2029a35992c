using System.Buffers.Binary;

namespace ContinualSegment.Dicom;

/// <summary>Writes PS3.10 files: preamble, "DICM", group 0002 with its group length, then the data set.</summary>
internal static class DicomFileWriter
{
    public static void Write(Stream stream, DicomFile file, DicomWriteOptions options)
    {
        var ts = options.TransferSyntax ?? file.TransferSyntax;
        if (ts.IsEncapsulated != file.TransferSyntax.IsEncapsulated && ContainsFragments(file.Dataset))
        {
            throw new DicomException($"Encapsulated pixel data cannot be written as {ts}; decode or encode it first.");
        }

        var buffered = new BufferedStream(stream, 1 << 16);
        WriteHeader(buffered, file, ts, options);
        DicomDatasetWriter.Write(buffered, file.Dataset, ts, options);
        buffered.Flush();
    }

    /// <summary>Writes the preamble (when asked), "DICM" and group 0002 with its group length for <paramref name="ts"/>.</summary>
    public static void WriteHeader(Stream buffered, DicomFile file, DicomTransferSyntax ts, DicomWriteOptions options)
    {
        var meta = BuildMeta(file, ts);
        using var metaBytes = new MemoryStream();
        DicomDatasetWriter.WriteMeta(metaBytes, meta, options);
        if (options.WritePreamble)
        {
            buffered.Write(new byte[128]);
            buffered.Write("DICM"u8);
        }

        Span<byte> groupLength = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[2..], 0x0000);
        groupLength[4] = (byte)'U';
        groupLength[5] = (byte)'L';
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength[8..], checked((uint)metaBytes.Length));
        buffered.Write(groupLength);
        metaBytes.Position = 0;
        metaBytes.CopyTo(buffered);
    }

    private static DicomDataset BuildMeta(DicomFile file, DicomTransferSyntax ts)
    {
        var meta = new DicomDataset();
        foreach (var e in file.FileMetaInformation)
        {
            if (e.Tag.Group == 0x0002 && e.Tag.Element != 0)
            {
                meta.AddOrUpdate(e);
            }
        }

        meta.AddOrUpdate(DicomElement.FromValues<byte>(DicomTags.FileMetaInformationVersion, DicomVR.OB, 0, 1));
        var ds = file.Dataset;
        var sopClass = ds.GetStringOrDefault(DicomTags.SOPClassUID, meta.GetStringOrDefault(DicomTags.MediaStorageSOPClassUID));
        var sopInstance = ds.GetStringOrDefault(DicomTags.SOPInstanceUID, meta.GetStringOrDefault(DicomTags.MediaStorageSOPInstanceUID));
        if (sopClass.Length == 0 || sopInstance.Length == 0)
        {
            throw new DicomException("A DICOM file needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) in its data set or meta information.");
        }

        meta.AddOrUpdate(DicomElement.FromStrings(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, sopClass));
        meta.AddOrUpdate(DicomElement.FromStrings(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sopInstance));
        meta.AddOrUpdate(DicomElement.FromStrings(DicomTags.TransferSyntaxUID, DicomVR.UI, ts.Uid));
        meta.AddOrUpdate(DicomElement.FromStrings(DicomTags.ImplementationClassUID, DicomVR.UI, DicomUid.ImplementationClassUid));
        meta.AddOrUpdate(DicomElement.FromStrings(DicomTags.ImplementationVersionName, DicomVR.SH, DicomUid.ImplementationVersionName));
        return meta;
    }

    private static bool ContainsFragments(DicomDataset ds)
    {
        foreach (var e in ds)
        {
            if (e is DicomFragmentSequence)
            {
                return true;
            }

            if (e is DicomSequence sq)
            {
                foreach (var item in sq.Items)
                {
                    if (ContainsFragments(item))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
