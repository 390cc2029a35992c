namespace ContinualSegment.Dicom.Codecs;

/// <summary>The argument checks every frame codec makes on its image description and frame buffers.</summary>
internal static class CodecFrame
{
    /// <summary>Decodes one frame with <paramref name="decode"/> into a newly allocated native frame.</summary>
    internal static byte[] Decode(ReadOnlySpan<byte> data, ImagePixelDescription description, FrameDecoder decode)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        var output = new byte[description.FrameLength];
        decode(data, description, output);
        return output;
    }

    /// <summary>Checks the description and that <paramref name="destination"/> is exactly one native frame long.</summary>
    internal static void CheckDestination(ImagePixelDescription description, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        if (destination.Length != description.FrameLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes, one frame is {description.FrameLength}", nameof(destination));
        }
    }

    /// <summary>Checks the description and that <paramref name="nativeFrame"/> (input to an encoder) is exactly one frame long.</summary>
    internal static void CheckNativeFrame(ImagePixelDescription description, ReadOnlySpan<byte> nativeFrame)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        if (nativeFrame.Length != description.FrameLength)
        {
            throw new DicomException($"Native frame holds {nativeFrame.Length} bytes, the description needs {description.FrameLength}");
        }
    }
}
