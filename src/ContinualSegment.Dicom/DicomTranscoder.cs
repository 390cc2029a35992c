using System.Buffers.Binary;
using System.Globalization;
using ContinualSegment.Dicom.Codecs;

namespace ContinualSegment.Dicom;

/// <summary>
/// Converts a <see cref="DicomFile"/> to another transfer syntax: uncompressed ↔ uncompressed (little/big endian,
/// implicit/explicit, deflated), encapsulated → uncompressed with <see cref="PixelDataDecoder"/>, and uncompressed
/// (or decodable encapsulated) → RLE Lossless / JPEG Lossless with <see cref="PixelDataEncoder"/>.
/// </summary>
/// <remarks>
/// The source file is not changed; the result shares immutable value bytes with it. Decoding a lossy source keeps
/// (or sets) Lossy Image Compression "01" with its method and ratio. JPEG baseline/extended frames in YBR_FULL or
/// YBR_FULL_422 are decoded to RGB, so the result says RGB with Planar Configuration 0; JPEG 2000 frames with an
/// irreversible or reversible colour transform likewise come back as RGB.
/// </remarks>
public static class DicomTranscoder
{
    /// <summary>True when <paramref name="source"/> can be converted to <paramref name="target"/> here.</summary>
    public static bool CanTranscode(DicomTransferSyntax source, DicomTransferSyntax target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.Uid == target.Uid)
        {
            return true;
        }

        var decodable = !source.IsEncapsulated || TransferSyntaxCodecs.CanDecode(source.Uid);
        var encodable = !target.IsEncapsulated || TransferSyntaxCodecs.CanEncode(target.Uid);
        return decodable && encodable;
    }

    /// <summary>Converts to an uncompressed transfer syntax (Explicit or Implicit VR Little Endian, Explicit VR Big Endian, Deflated).</summary>
    /// <exception cref="DicomException">The target is encapsulated, or the pixel data cannot be decoded.</exception>
    public static DicomFile ToUncompressed(DicomFile file, DicomTransferSyntax target)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(target);
        if (target.IsEncapsulated)
        {
            throw new DicomException($"{target} is not an uncompressed transfer syntax.");
        }

        return ToTransferSyntax(file, target);
    }

    /// <summary>Converts to Explicit VR Little Endian.</summary>
    /// <exception cref="DicomException">The pixel data cannot be decoded.</exception>
    public static DicomFile ToExplicitVRLittleEndian(DicomFile file) => ToTransferSyntax(file, DicomTransferSyntax.ExplicitVRLittleEndian);

    /// <summary>Converts <paramref name="file"/> to <paramref name="target"/>; returns a new file (the input is unchanged).</summary>
    /// <exception cref="DicomException">The combination is not supported, or the pixel data is corrupt or inconsistent with the Image Pixel attributes.</exception>
    public static DicomFile ToTransferSyntax(DicomFile file, DicomTransferSyntax target)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(target);
        var source = file.TransferSyntax;
        if (file.IsPartial)
        {
            throw new DicomException("A partially read file (StopBeforeTag) cannot be transcoded.");
        }

        if (!CanTranscode(source, target))
        {
            var why = source.IsEncapsulated && !TransferSyntaxCodecs.CanDecode(source.Uid)
                ? $"decoding {source} is not supported"
                : $"encoding to {target} is not supported (only RLE Lossless and JPEG Lossless can be written)";
            throw new DicomException($"Cannot transcode from {source} to {target}: {why}.");
        }

        var dataset = file.Dataset.Clone();
        if (source.Uid != target.Uid && dataset.TryGetElement(DicomTags.PixelData, out var pixelData))
        {
            ConvertPixelData(dataset, pixelData, source, target);
        }

        var meta = file.FileMetaInformation.Clone();
        meta.AddOrUpdate(DicomElement.FromStrings(DicomTags.TransferSyntaxUID, DicomVR.UI, target.Uid));
        return new DicomFile(meta, dataset, target);
    }

    private static void ConvertPixelData(DicomDataset dataset, DicomElement pixelData, DicomTransferSyntax source, DicomTransferSyntax target)
    {
        var bitsAllocated = dataset.GetInt32OrDefault(DicomTags.BitsAllocated, 0);
        if (!source.IsEncapsulated && !target.IsEncapsulated)
        {
            if (bitsAllocated is not (8 or 16 or 32) || (pixelData.VR != DicomVR.OB && pixelData.VR != DicomVR.OW && pixelData.VR != DicomVR.UN))
            {
                // 1-bit or unusual data: the reader and writer swap by the VR's unit, which is all that can be done.
                return;
            }

            var native = NativeLittleEndian(pixelData, source, bitsAllocated);
            dataset.AddOrUpdate(NativeElement(native, bitsAllocated, target));
            return;
        }

        var description = Describe(dataset);
        IReadOnlyList<byte[]> frames;
        if (source.IsEncapsulated)
        {
            if (pixelData is not DicomFragmentSequence fragments)
            {
                throw new DicomException($"The transfer syntax is {source} but Pixel Data is not encapsulated.");
            }

            frames = DecodeFrames(dataset, fragments, source, ref description);
        }
        else
        {
            var native = NativeLittleEndian(pixelData, source, description.BitsAllocated);
            frames = PixelDataDecoder.DecodeNativeFrames(TransferSyntaxCodecs.ExplicitVRLittleEndian, description, native.Span);
        }

        dataset.Remove(DicomTags.ExtendedOffsetTable);
        dataset.Remove(DicomTags.ExtendedOffsetTableLengths);
        if (target.IsEncapsulated)
        {
            dataset.AddOrUpdate(Encapsulate(frames, description, target));
        }
        else
        {
            dataset.AddOrUpdate(NativeElement(Concatenate(frames), description.BitsAllocated, target));
        }

        if (dataset.Contains(DicomTags.NumberOfFrames) || frames.Count > 1)
        {
            dataset.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, frames.Count.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The frames of <paramref name="file"/> as native little-endian samples, whatever its transfer syntax, with the
    /// description that matches them (RGB for JPEG YBR sources, and so on).
    /// </summary>
    /// <exception cref="DicomException">The file has no pixel data, or it cannot be decoded.</exception>
    public static IReadOnlyList<byte[]> DecodeFrames(DicomFile file, out ImagePixelDescription description)
    {
        ArgumentNullException.ThrowIfNull(file);
        var native = ToTransferSyntax(file, DicomTransferSyntax.ExplicitVRLittleEndian);
        if (!native.Dataset.TryGetElement(DicomTags.PixelData, out var pixels))
        {
            throw new DicomException("The file has no Pixel Data (7FE0,0010).");
        }

        description = Describe(native.Dataset);
        return PixelDataDecoder.DecodeNativeFrames(TransferSyntaxCodecs.ExplicitVRLittleEndian, description, pixels.Value.Span);
    }

    /// <summary>The Image Pixel attributes of <paramref name="dataset"/>.</summary>
    /// <exception cref="DicomException">A required attribute is missing or the attributes are inconsistent.</exception>
    public static ImagePixelDescription Describe(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        foreach (var tag in new[] { DicomTags.Rows, DicomTags.Columns, DicomTags.BitsAllocated })
        {
            if (!dataset.TryGetElement(tag, out var e) || e.Length == 0)
            {
                throw new DicomException($"Image Pixel attribute {tag} is missing or empty.");
            }
        }

        var bitsAllocated = dataset.GetInt32(DicomTags.BitsAllocated);
        var bitsStored = dataset.GetInt32OrDefault(DicomTags.BitsStored, bitsAllocated);
        var frames = dataset.TryGetElement(DicomTags.NumberOfFrames, out var nf) && nf.Length > 0 ? nf.GetInt32() : 1;
        var description = new ImagePixelDescription(
            dataset.GetInt32(DicomTags.Rows),
            dataset.GetInt32(DicomTags.Columns),
            dataset.GetInt32OrDefault(DicomTags.SamplesPerPixel, 1),
            bitsAllocated,
            bitsStored,
            dataset.GetInt32OrDefault(DicomTags.HighBit, bitsStored - 1),
            dataset.GetInt32OrDefault(DicomTags.PixelRepresentation, 0),
            dataset.GetInt32OrDefault(DicomTags.PlanarConfiguration, 0),
            dataset.GetStringOrDefault(DicomTags.PhotometricInterpretation, "MONOCHROME2").Trim(),
            frames);
        description.Validate();
        return description;
    }

    private static IReadOnlyList<byte[]> DecodeFrames(DicomDataset dataset, DicomFragmentSequence fragments, DicomTransferSyntax source, ref ImagePixelDescription description)
    {
        var colour = description.SamplesPerPixel == 3;
        var photometric = description.PhotometricInterpretation;
        var jpegLossy = source.Uid is TransferSyntaxCodecs.JpegBaseline or TransferSyntaxCodecs.JpegExtended;
        var toRgb = colour && ((jpegLossy && photometric.StartsWith("YBR_FULL", StringComparison.Ordinal))
            || (source.Uid is TransferSyntaxCodecs.Jpeg2000 or TransferSyntaxCodecs.Jpeg2000Lossless && photometric is "YBR_ICT" or "YBR_RCT"));

        // Compressed frames are colour-by-pixel; the decoded frames are written that way.
        var decodeAs = colour && source.Uid != TransferSyntaxCodecs.RleLossless ? description with { PlanarConfiguration = 0 } : description;
        var frames = PixelDataDecoder.DecodeFrames(source.Uid, decodeAs, [.. fragments.Fragments], FrameOffsets(dataset, fragments));

        long compressed = 0;
        foreach (var f in fragments.Fragments)
        {
            compressed += f.Length;
        }

        if (toRgb)
        {
            dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "RGB");
        }

        if (colour)
        {
            dataset.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, DicomVR.US, (ushort)decodeAs.PlanarConfiguration);
        }

        if (source.IsLossy)
        {
            MarkLossy(dataset, source, description.FrameLength * frames.Count, compressed);
        }

        description = decodeAs with { PhotometricInterpretation = toRgb ? "RGB" : photometric };
        return frames;
    }

    private static List<long>? FrameOffsets(DicomDataset dataset, DicomFragmentSequence fragments)
    {
        if (fragments.BasicOffsetTable.Length >= 4)
        {
            return [.. fragments.GetOffsets().Select(static o => (long)o)];
        }

        if (dataset.TryGetElement(DicomTags.ExtendedOffsetTable, out var eot) && eot.Length >= 8 && eot.Length % 8 == 0)
        {
            var span = eot.Value.Span;
            var offsets = new List<long>(span.Length / 8);
            for (var i = 0; i < span.Length; i += 8)
            {
                var o = BinaryPrimitives.ReadUInt64LittleEndian(span[i..]);
                if (o > long.MaxValue)
                {
                    throw new DicomException("Extended Offset Table entry out of range.");
                }

                offsets.Add((long)o);
            }

            return offsets;
        }

        return null;
    }

    private static void MarkLossy(DicomDataset dataset, DicomTransferSyntax source, long nativeLength, long compressedLength)
    {
        var current = dataset.GetStringOrDefault(DicomTags.LossyImageCompression).Trim();
        var alwaysLossy = source.Uid is TransferSyntaxCodecs.JpegBaseline or TransferSyntaxCodecs.JpegExtended;
        if (current == "00" && !alwaysLossy)
        {
            // JPEG-LS near-lossless with NEAR 0 and reversible JPEG 2000 are lossless; trust the file.
            return;
        }

        var described = dataset.Contains(DicomTags.LossyImageCompressionMethod) || dataset.Contains(DicomTags.LossyImageCompressionRatio);
        if (current == "01" && described)
        {
            return;
        }

        dataset.AddOrUpdate(DicomTags.LossyImageCompression, DicomVR.CS, "01");
        var method = source.Uid switch
        {
            TransferSyntaxCodecs.JpegLsNearLossless => "ISO_14495_1",
            TransferSyntaxCodecs.Jpeg2000 => "ISO_15444_1",
            _ => "ISO_10918_1",
        };
        var methods = dataset.TryGetElement(DicomTags.LossyImageCompressionMethod, out var m) && m.Length > 0 ? m.GetStrings().ToList() : [];
        var ratios = dataset.TryGetElement(DicomTags.LossyImageCompressionRatio, out var r) && r.Length > 0 ? r.GetStrings().ToList() : [];
        if (methods.Count == ratios.Count)
        {
            var ratio = compressedLength > 0 ? (double)nativeLength / compressedLength : 1.0;
            methods.Add(method);
            ratios.Add(FormatDecimal(ratio));
            dataset.AddOrUpdate(DicomTags.LossyImageCompressionMethod, DicomVR.CS, [.. methods]);
            dataset.AddOrUpdate(DicomTags.LossyImageCompressionRatio, DicomVR.DS, [.. ratios]);
        }
    }

    // A compression ratio to four decimals, as a DS value.
    private static string FormatDecimal(double value) => DicomDecimalString.Format(Math.Round(value, 4));

    /// <summary>The pixel data value as little-endian samples of <paramref name="bitsAllocated"/> bits.</summary>
    private static ReadOnlyMemory<byte> NativeLittleEndian(DicomElement pixelData, DicomTransferSyntax source, int bitsAllocated)
    {
        if (pixelData is DicomFragmentSequence)
        {
            throw new DicomException($"The transfer syntax is {source} but Pixel Data is encapsulated.");
        }

        var value = pixelData.Value;
        var bytesPerSample = bitsAllocated / 8;
        var unit = pixelData.VR.UnitSize;
        if (!source.IsBigEndian || bytesPerSample == unit || bytesPerSample < 1)
        {
            return value;
        }

        // The reader swapped the big-endian value by the VR's unit (OB: not at all, OW: by 16-bit words); undo that
        // and swap by the sample size instead, so that 32-bit samples in OW and 16-bit samples in OB come out right.
        var bytes = value.ToArray();
        Swap(bytes, unit);
        Swap(bytes, bytesPerSample);
        return bytes;
    }

    /// <summary>
    /// A native Pixel Data element (OW when Bits Allocated is above 8, else OB) whose value, after the writer's
    /// swap by VR unit for a big-endian target, holds big-endian samples of <paramref name="bitsAllocated"/> bits.
    /// </summary>
    private static DicomElement NativeElement(ReadOnlyMemory<byte> littleEndian, int bitsAllocated, DicomTransferSyntax target)
    {
        var vr = bitsAllocated > 8 ? DicomVR.OW : DicomVR.OB;
        var value = littleEndian;
        if (value.Length % 2 != 0)
        {
            var padded = new byte[value.Length + 1];
            value.Span.CopyTo(padded);
            value = padded;
        }

        var bytesPerSample = bitsAllocated / 8;
        if (target.IsBigEndian && bytesPerSample > vr.UnitSize)
        {
            var bytes = value.ToArray();
            Swap(bytes, bytesPerSample);
            Swap(bytes, vr.UnitSize);
            value = bytes;
        }

        return new DicomElement(DicomTags.PixelData, vr, value);
    }

    private static void Swap(Span<byte> data, int unit)
    {
        if (unit <= 1)
        {
            return;
        }

        var whole = data.Length - (data.Length % unit);
        for (var i = 0; i < whole; i += unit)
        {
            data.Slice(i, unit).Reverse();
        }
    }

    private static byte[] Concatenate(IReadOnlyList<byte[]> frames)
    {
        long total = 0;
        foreach (var f in frames)
        {
            total += f.Length;
        }

        if (total > Array.MaxLength - 1)
        {
            throw new DicomException($"Uncompressed pixel data of {total} bytes is too large.");
        }

        var native = new byte[total];
        var offset = 0;
        foreach (var f in frames)
        {
            f.CopyTo(native, offset);
            offset += f.Length;
        }

        return native;
    }

    private static DicomFragmentSequence Encapsulate(IReadOnlyList<byte[]> frames, ImagePixelDescription description, DicomTransferSyntax target)
    {
        if (description.PhotometricInterpretation.EndsWith("_422", StringComparison.Ordinal)
            || description.PhotometricInterpretation.EndsWith("_420", StringComparison.Ordinal))
        {
            throw new DicomException($"Subsampled {description.PhotometricInterpretation} pixel data cannot be encoded as {target}.");
        }

        var fragments = new List<ReadOnlyMemory<byte>>(frames.Count);
        var offsets = new byte[frames.Count * 4];
        long position = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            if (position > uint.MaxValue)
            {
                throw new DicomException("Encapsulated pixel data exceeds the 4 GiB reach of the Basic Offset Table.");
            }

            BinaryPrimitives.WriteUInt32LittleEndian(offsets.AsSpan(i * 4), (uint)position);
            var encoded = PixelDataEncoder.EncodeFrame(target.Uid, description, frames[i]);
            if (encoded.Length % 2 != 0)
            {
                Array.Resize(ref encoded, encoded.Length + 1);
            }

            fragments.Add(encoded);
            position += 8 + encoded.Length;
        }

        return new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, offsets, fragments);
    }
}
