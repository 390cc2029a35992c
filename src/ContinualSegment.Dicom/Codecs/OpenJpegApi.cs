namespace ContinualSegment.Dicom.Codecs;

/// <summary>Entry points of the system OpenJPEG 2.x library (libopenjp2.so.7), bound at first use.</summary>
internal sealed unsafe class OpenJpegApi
{
    private static readonly Lazy<OpenJpegApi?> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private OpenJpegApi(nint library)
    {
        StreamCreate = (delegate* unmanaged<nuint, int, nint>)Export(library, "opj_stream_create");
        StreamDestroy = (delegate* unmanaged<nint, void>)Export(library, "opj_stream_destroy");
        StreamSetReadFunction = (delegate* unmanaged<nint, delegate* unmanaged<byte*, nuint, void*, nuint>, void>)Export(library, "opj_stream_set_read_function");
        StreamSetSkipFunction = (delegate* unmanaged<nint, delegate* unmanaged<long, void*, long>, void>)Export(library, "opj_stream_set_skip_function");
        StreamSetSeekFunction = (delegate* unmanaged<nint, delegate* unmanaged<long, void*, int>, void>)Export(library, "opj_stream_set_seek_function");
        StreamSetUserData = (delegate* unmanaged<nint, void*, nint, void>)Export(library, "opj_stream_set_user_data");
        StreamSetUserDataLength = (delegate* unmanaged<nint, ulong, void>)Export(library, "opj_stream_set_user_data_length");
        CreateDecompress = (delegate* unmanaged<int, nint>)Export(library, "opj_create_decompress");
        DestroyCodec = (delegate* unmanaged<nint, void>)Export(library, "opj_destroy_codec");
        SetDefaultDecoderParameters = (delegate* unmanaged<void*, void>)Export(library, "opj_set_default_decoder_parameters");
        SetupDecoder = (delegate* unmanaged<nint, void*, int>)Export(library, "opj_setup_decoder");
        SetErrorHandler = (delegate* unmanaged<nint, delegate* unmanaged<byte*, void*, void>, void*, int>)Export(library, "opj_set_error_handler");
        ReadHeader = (delegate* unmanaged<nint, nint, OpenJpegImage**, int>)Export(library, "opj_read_header");
        Decode = (delegate* unmanaged<nint, nint, OpenJpegImage*, int>)Export(library, "opj_decode");
        EndDecompress = (delegate* unmanaged<nint, nint, int>)Export(library, "opj_end_decompress");
        ImageDestroy = (delegate* unmanaged<OpenJpegImage*, void>)Export(library, "opj_image_destroy");
    }

    internal delegate* unmanaged<nuint, int, nint> StreamCreate { get; }

    internal delegate* unmanaged<nint, void> StreamDestroy { get; }

    internal delegate* unmanaged<nint, delegate* unmanaged<byte*, nuint, void*, nuint>, void> StreamSetReadFunction { get; }

    internal delegate* unmanaged<nint, delegate* unmanaged<long, void*, long>, void> StreamSetSkipFunction { get; }

    internal delegate* unmanaged<nint, delegate* unmanaged<long, void*, int>, void> StreamSetSeekFunction { get; }

    internal delegate* unmanaged<nint, void*, nint, void> StreamSetUserData { get; }

    internal delegate* unmanaged<nint, ulong, void> StreamSetUserDataLength { get; }

    internal delegate* unmanaged<int, nint> CreateDecompress { get; }

    internal delegate* unmanaged<nint, void> DestroyCodec { get; }

    internal delegate* unmanaged<void*, void> SetDefaultDecoderParameters { get; }

    internal delegate* unmanaged<nint, void*, int> SetupDecoder { get; }

    internal delegate* unmanaged<nint, delegate* unmanaged<byte*, void*, void>, void*, int> SetErrorHandler { get; }

    internal delegate* unmanaged<nint, nint, OpenJpegImage**, int> ReadHeader { get; }

    internal delegate* unmanaged<nint, nint, OpenJpegImage*, int> Decode { get; }

    internal delegate* unmanaged<nint, nint, int> EndDecompress { get; }

    internal delegate* unmanaged<OpenJpegImage*, void> ImageDestroy { get; }

    /// <summary>The bound library, or null when libopenjp2.so.7 cannot be loaded.</summary>
    internal static OpenJpegApi? TryGet() => Instance.Value;

    /// <summary>The bound library.</summary>
    /// <exception cref="DicomException">The library is not installed: the transfer syntax is not supported here.</exception>
    internal static OpenJpegApi Require() => TryGet() ?? throw new DicomException("Transfer syntax JPEG 2000 (1.2.840.10008.1.2.4.90/.91) not supported: libopenjp2-7 not installed (libopenjp2.so.7 not found)");

    private static nint Export(nint library, string name) => NativeCodecLibrary.Export(library, name);

    private static OpenJpegApi? Load() => NativeCodecLibrary.Load(["libopenjp2.so.7", "libopenjp2.so", "openjp2"], static library => new OpenJpegApi(library));
}
