namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// The Image Pixel module attributes a codec needs to interpret one frame of pixel data.
/// </summary>
/// <param name="Rows">(0028,0010) Rows.</param>
/// <param name="Columns">(0028,0011) Columns.</param>
/// <param name="SamplesPerPixel">(0028,0002) Samples per Pixel.</param>
/// <param name="BitsAllocated">(0028,0100) Bits Allocated.</param>
/// <param name="BitsStored">(0028,0101) Bits Stored.</param>
/// <param name="HighBit">(0028,0102) High Bit.</param>
/// <param name="PixelRepresentation">(0028,0103) Pixel Representation: 0 unsigned, 1 two's complement.</param>
/// <param name="PlanarConfiguration">(0028,0006) Planar Configuration: 0 colour-by-pixel, 1 colour-by-plane.</param>
/// <param name="PhotometricInterpretation">(0028,0004) Photometric Interpretation.</param>
/// <param name="NumberOfFrames">(0028,0008) Number of Frames (1 when absent).</param>
public sealed record ImagePixelDescription(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    int HighBit,
    int PixelRepresentation,
    int PlanarConfiguration,
    string PhotometricInterpretation,
    int NumberOfFrames)
{
    /// <summary>Creates a single-frame monochrome description with HighBit = BitsStored - 1.</summary>
    public static ImagePixelDescription Monochrome(int rows, int columns, int bitsAllocated, int bitsStored, bool signed, int numberOfFrames = 1)
        => new(rows, columns, 1, bitsAllocated, bitsStored, bitsStored - 1, signed ? 1 : 0, 0, "MONOCHROME2", numberOfFrames);

    /// <summary>Creates an 8-bit RGB description.</summary>
    public static ImagePixelDescription Rgb8(int rows, int columns, int planarConfiguration = 0, int numberOfFrames = 1)
        => new(rows, columns, 3, 8, 8, 7, 0, planarConfiguration, "RGB", numberOfFrames);

    /// <summary>Bytes one sample occupies in native (uncompressed) pixel data: 1, 2 or 4.</summary>
    public int BytesPerSample => BitsAllocated / 8;

    /// <summary>Number of pixels in one frame.</summary>
    public long PixelsPerFrame => (long)Rows * Columns;

    /// <summary>Length in bytes of one native frame (BitsAllocated 8, 16 or 32).</summary>
    public long FrameLength => PixelsPerFrame * SamplesPerPixel * BytesPerSample;

    /// <summary>
    /// Checks that the attributes are consistent and describe byte-aligned pixel data this toolkit can decode.
    /// </summary>
    /// <exception cref="DicomException">An attribute is out of range or inconsistent with another.</exception>
    public void Validate()
    {
        if (Rows <= 0 || Rows > ushort.MaxValue)
        {
            throw new DicomException($"Rows {Rows} out of range 1..65535");
        }

        if (Columns <= 0 || Columns > ushort.MaxValue)
        {
            throw new DicomException($"Columns {Columns} out of range 1..65535");
        }

        if (SamplesPerPixel is not (1 or 3 or 4))
        {
            throw new DicomException($"Samples per Pixel {SamplesPerPixel} not supported (1, 3 or 4)");
        }

        if (BitsAllocated is not (8 or 16 or 32))
        {
            throw new DicomException($"Bits Allocated {BitsAllocated} not supported (8, 16 or 32)");
        }

        if (BitsStored < 1 || BitsStored > BitsAllocated)
        {
            throw new DicomException($"Bits Stored {BitsStored} out of range 1..{BitsAllocated}");
        }

        if (HighBit < BitsStored - 1 || HighBit >= BitsAllocated)
        {
            throw new DicomException($"High Bit {HighBit} inconsistent with Bits Stored {BitsStored} and Bits Allocated {BitsAllocated}");
        }

        if (PixelRepresentation is not (0 or 1))
        {
            throw new DicomException($"Pixel Representation {PixelRepresentation} must be 0 or 1");
        }

        if (PlanarConfiguration is not (0 or 1))
        {
            throw new DicomException($"Planar Configuration {PlanarConfiguration} must be 0 or 1");
        }

        if (NumberOfFrames < 1)
        {
            throw new DicomException($"Number of Frames {NumberOfFrames} must be at least 1");
        }

        if (FrameLength > Array.MaxLength)
        {
            throw new DicomException($"A frame of {FrameLength} bytes is too large");
        }
    }
}
