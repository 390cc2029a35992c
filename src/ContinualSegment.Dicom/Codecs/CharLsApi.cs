using System.Runtime.InteropServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>Entry points of the system CharLS 2.x library (libcharls.so.2), bound at first use.</summary>
internal sealed unsafe class CharLsApi
{
    private static readonly Lazy<CharLsApi?> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private CharLsApi(nint library)
    {
        DecoderCreate = (delegate* unmanaged<nint>)Export(library, "charls_jpegls_decoder_create");
        DecoderDestroy = (delegate* unmanaged<nint, void>)Export(library, "charls_jpegls_decoder_destroy");
        SetSourceBuffer = (delegate* unmanaged<nint, byte*, nuint, int>)Export(library, "charls_jpegls_decoder_set_source_buffer");
        ReadHeader = (delegate* unmanaged<nint, int>)Export(library, "charls_jpegls_decoder_read_header");
        GetFrameInfo = (delegate* unmanaged<nint, CharLsFrameInfo*, int>)Export(library, "charls_jpegls_decoder_get_frame_info");
        GetInterleaveMode = (delegate* unmanaged<nint, int*, int>)Export(library, "charls_jpegls_decoder_get_interleave_mode");
        GetDestinationSize = (delegate* unmanaged<nint, uint, nuint*, int>)Export(library, "charls_jpegls_decoder_get_destination_size");
        DecodeToBuffer = (delegate* unmanaged<nint, byte*, nuint, uint, int>)Export(library, "charls_jpegls_decoder_decode_to_buffer");
        GetErrorMessage = (delegate* unmanaged<int, byte*>)Export(library, "charls_get_error_message");
    }

    internal delegate* unmanaged<nint> DecoderCreate { get; }

    internal delegate* unmanaged<nint, void> DecoderDestroy { get; }

    internal delegate* unmanaged<nint, byte*, nuint, int> SetSourceBuffer { get; }

    internal delegate* unmanaged<nint, int> ReadHeader { get; }

    internal delegate* unmanaged<nint, CharLsFrameInfo*, int> GetFrameInfo { get; }

    internal delegate* unmanaged<nint, int*, int> GetInterleaveMode { get; }

    internal delegate* unmanaged<nint, uint, nuint*, int> GetDestinationSize { get; }

    internal delegate* unmanaged<nint, byte*, nuint, uint, int> DecodeToBuffer { get; }

    internal delegate* unmanaged<int, byte*> GetErrorMessage { get; }

    private static nint Export(nint library, string name) => NativeCodecLibrary.Export(library, name);

    /// <summary>The bound library, or null when libcharls.so.2 cannot be loaded.</summary>
    internal static CharLsApi? TryGet() => Instance.Value;

    /// <summary>The bound library.</summary>
    /// <exception cref="DicomException">The library is not installed: the transfer syntax is not supported here.</exception>
    internal static CharLsApi Require() => TryGet() ?? throw new DicomException("Transfer syntax JPEG-LS (1.2.840.10008.1.2.4.80/.81) not supported: libcharls2 not installed (libcharls.so.2 not found)");

    internal string Message(int error)
    {
        byte* text = GetErrorMessage(error);
        return text == null ? $"error {error}" : $"{Marshal.PtrToStringUTF8((nint)text)} (error {error})";
    }

    private static CharLsApi? Load() => NativeCodecLibrary.Load(["libcharls.so.2", "libcharls.so", "charls"], static library => new CharLsApi(library));
}
