using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// JPEG 2000 decoding (transfer syntaxes 1.2.840.10008.1.2.4.90 and .91) through the system OpenJPEG 2.x library
/// (Debian package libopenjp2-7). Accepts a raw codestream (J2K) or a JP2 file.
/// </summary>
public static class Jpeg2000Codec
{
    private const int CodecJ2k = 0;
    private const int CodecJp2 = 2;
    private const int DecoderParametersSize = 64 * 1024;

    /// <summary>True when libopenjp2.so.7 can be loaded on this machine.</summary>
    public static bool IsAvailable => OpenJpegApi.TryGet() is not null;

    /// <summary>Decodes one JPEG 2000 frame into a newly allocated native little-endian frame.</summary>
    /// <exception cref="DicomException">OpenJPEG is missing, the stream is corrupt, or it does not match the description.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> data, ImagePixelDescription description) =>
        CodecFrame.Decode(data, description, Decode);

    /// <summary>
    /// Decodes one JPEG 2000 frame into <paramref name="destination"/> (one native frame, arranged as the
    /// description's Planar Configuration says).
    /// </summary>
    /// <exception cref="DicomException">OpenJPEG is missing, the stream is corrupt, or it does not match the description.</exception>
    public static unsafe void Decode(ReadOnlySpan<byte> data, ImagePixelDescription description, Span<byte> destination)
    {
        CodecFrame.CheckDestination(description, destination);

        OpenJpegApi api = OpenJpegApi.Require();
        int format = DetectFormat(data);
        var errors = new List<string>();
        GCHandle errorHandle = GCHandle.Alloc(errors);
        OpenJpegMemoryStream* state = (OpenJpegMemoryStream*)NativeMemory.AllocZeroed((nuint)sizeof(OpenJpegMemoryStream));
        void* parameters = NativeMemory.AllocZeroed(DecoderParametersSize);
        nint codec = 0;
        nint stream = 0;
        OpenJpegImage* image = null;
        try
        {
            fixed (byte* source = data)
            {
                state->Data = source;
                state->Length = data.Length;
                stream = api.StreamCreate(1 << 16, 1);
                codec = api.CreateDecompress(format);
                if (stream == 0 || codec == 0)
                {
                    throw new DicomException("OpenJPEG could not create a decoder");
                }

                api.StreamSetReadFunction(stream, &OpenJpegMemoryStream.Read);
                api.StreamSetSkipFunction(stream, &OpenJpegMemoryStream.Skip);
                api.StreamSetSeekFunction(stream, &OpenJpegMemoryStream.Seek);
                api.StreamSetUserData(stream, state, 0);
                api.StreamSetUserDataLength(stream, (ulong)data.Length);
                api.SetErrorHandler(codec, &OpenJpegMemoryStream.OnError, (void*)GCHandle.ToIntPtr(errorHandle));
                api.SetDefaultDecoderParameters(parameters);
                Check(api.SetupDecoder(codec, parameters), "setup", errors);
                Check(api.ReadHeader(stream, codec, &image), "read header", errors);

                // Check the declared size before the decoder allocates anything for it.
                if (image == null || image->X1 - image->X0 != (uint)description.Columns || image->Y1 - image->Y0 != (uint)description.Rows)
                {
                    string size = image == null ? "no image" : $"{image->X1 - image->X0}x{image->Y1 - image->Y0}";
                    throw new DicomException($"JPEG 2000 frame is {size}, the image is {description.Columns}x{description.Rows}");
                }

                Check(api.Decode(codec, stream, image), "decode", errors);
                Check(api.EndDecompress(codec, stream), "end of decode", errors);
                CopyImage(image, description, destination);
                NativeSampleFixup.SignExtend(destination, description);
            }
        }
        finally
        {
            if (image != null)
            {
                api.ImageDestroy(image);
            }

            if (codec != 0)
            {
                api.DestroyCodec(codec);
            }

            if (stream != 0)
            {
                api.StreamDestroy(stream);
            }

            NativeMemory.Free(parameters);
            NativeMemory.Free(state);
            errorHandle.Free();
        }
    }

    private static int DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0x4F && data[2] == 0xFF && data[3] == 0x51)
        {
            return CodecJ2k;
        }

        if (data.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(data) == 12 && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == 0x6A502020)
        {
            return CodecJp2;
        }

        throw new DicomException("JPEG 2000 frame starts with neither a codestream (SOC, SIZ) nor a JP2 signature box");
    }

    private static void Check(int ok, string step, List<string> errors)
    {
        if (ok == 0)
        {
            string detail = errors.Count == 0 ? "no detail" : string.Join("; ", errors);
            throw new DicomException($"JPEG 2000 {step} failed: {detail}");
        }
    }

    private static unsafe void CopyImage(OpenJpegImage* image, ImagePixelDescription d, Span<byte> destination)
    {
        if (image == null || image->Comps == null)
        {
            throw new DicomException("JPEG 2000 decoder returned no image");
        }

        if (image->NumComps < d.SamplesPerPixel)
        {
            throw new DicomException($"JPEG 2000 image has {image->NumComps} components, the image has {d.SamplesPerPixel} samples per pixel");
        }

        int samples = d.SamplesPerPixel;
        int pixels = (int)d.PixelsPerFrame;
        int bytesPerSample = d.BytesPerSample;
        for (int c = 0; c < samples; c++)
        {
            OpenJpegImageComponent* comp = image->Comps + c;
            if (comp->W != d.Columns || comp->H != d.Rows || comp->Dx != 1 || comp->Dy != 1 || comp->Data == null)
            {
                throw new DicomException($"JPEG 2000 component {c} is {comp->W}x{comp->H} (subsampling {comp->Dx}x{comp->Dy}), the image is {d.Columns}x{d.Rows}");
            }

            if (comp->Prec < 1 || comp->Prec > (uint)d.BitsAllocated)
            {
                throw new DicomException($"JPEG 2000 component precision {comp->Prec} does not fit Bits Allocated {d.BitsAllocated}");
            }

            var values = new ReadOnlySpan<int>(comp->Data, pixels);
            int offset = d.PlanarConfiguration == 0 ? c : c * pixels;
            int stride = d.PlanarConfiguration == 0 ? samples : 1;
            switch (bytesPerSample)
            {
                case 1:
                    for (int i = 0, o = offset; i < pixels; i++, o += stride)
                    {
                        destination[o] = (byte)values[i];
                    }

                    break;
                case 2:
                    for (int i = 0, o = offset; i < pixels; i++, o += stride)
                    {
                        BinaryPrimitives.WriteInt16LittleEndian(destination[(o * 2)..], (short)values[i]);
                    }

                    break;
                default:
                    for (int i = 0, o = offset; i < pixels; i++, o += stride)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(destination[(o * 4)..], values[i]);
                    }

                    break;
            }
        }
    }
}
