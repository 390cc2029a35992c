using ContinualSegment.Dicom.Codecs;
using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// Decompresses encapsulated pixel data to native little-endian pixel data with the core codecs, for sending an
/// instance to a peer that accepted only uncompressed transfer syntaxes. Limited to lossless syntaxes and
/// single-sample (monochrome) images, where decoding cannot change the photometric interpretation.
/// </summary>
internal static class PixelDataDecompressor
{
    private static readonly HashSet<string> Lossless = new(StringComparer.Ordinal)
    {
        TransferSyntaxCodecs.RleLossless,
        TransferSyntaxCodecs.JpegLossless,
        TransferSyntaxCodecs.JpegLosslessSV1,
        TransferSyntaxCodecs.JpegLsLossless,
        TransferSyntaxCodecs.Jpeg2000Lossless,
    };

    /// <summary>A copy of <paramref name="dataset"/> with native pixel data, or null with the reason.</summary>
    public static DicomDataset? TryDecompress(DicomDataset dataset, string transferSyntaxUid, out string? error)
    {
        if (!Lossless.Contains(transferSyntaxUid) || !TransferSyntaxCodecs.CanDecode(transferSyntaxUid))
        {
            error = $"decompressing {TransferSyntaxCodecs.Name(transferSyntaxUid)} for sending is not supported (only lossless RLE, JPEG, JPEG-LS and JPEG 2000 are)";
            return null;
        }

        if (dataset[DicomTags.PixelData] is not DicomFragmentSequence fragments)
        {
            error = "the instance has no encapsulated pixel data";
            return null;
        }

        var samples = dataset.GetInt32OrDefault(DicomTags.SamplesPerPixel, 1);
        if (samples != 1)
        {
            error = "decompressing colour images for sending is not supported";
            return null;
        }

        try
        {
            var description = new ImagePixelDescription(
                dataset.GetInt32(DicomTags.Rows),
                dataset.GetInt32(DicomTags.Columns),
                samples,
                dataset.GetInt32(DicomTags.BitsAllocated),
                dataset.GetInt32(DicomTags.BitsStored),
                dataset.GetInt32(DicomTags.HighBit),
                dataset.GetInt32OrDefault(DicomTags.PixelRepresentation, 0),
                0,
                dataset.GetStringOrDefault(DicomTags.PhotometricInterpretation, "MONOCHROME2"),
                dataset.GetInt32OrDefault(DicomTags.NumberOfFrames, 1));
            description.Validate();
            var offsets = fragments.GetOffsets().Select(o => (long)o).ToList();
            var frames = PixelDataDecoder.DecodeFrames(transferSyntaxUid, description, fragments.Fragments.ToList(), offsets);
            var total = frames.Sum(f => (long)f.Length);
            if (total > int.MaxValue - 1)
            {
                error = "the decompressed pixel data would exceed 2 GiB";
                return null;
            }

            var native = new byte[total + (total % 2)];
            var offset = 0;
            foreach (var frame in frames)
            {
                frame.CopyTo(native, offset);
                offset += frame.Length;
            }

            var copy = dataset.Clone();
            copy.Remove(DicomTags.ExtendedOffsetTable);
            copy.Remove(DicomTags.ExtendedOffsetTableLengths);
            copy.AddOrUpdate(new DicomElement(DicomTags.PixelData, description.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, native));
            error = null;
            return copy;
        }
        catch (DicomException ex)
        {
            error = $"decompressing failed: {ex.Message}";
            return null;
        }
    }
}
