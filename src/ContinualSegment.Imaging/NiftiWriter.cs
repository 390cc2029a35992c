using System.IO.Compression;
using System.Runtime.InteropServices;

namespace ContinualSegment.Imaging;

/// <summary>
/// Writes single-file NIfTI-1 images: 348-byte header, 4 empty extension bytes, data at offset 352,
/// qform and sform both set (code 1), RAS orientation derived from the LPS geometry.
/// A path ending in ".gz" is gzip-compressed (deterministic: no timestamp in the gzip header).
/// </summary>
public static class NiftiWriter
{
    public static async Task WriteAsync<T>(Volume<T> volume, string path, CancellationToken cancellationToken, string? description = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Encode(volume, description);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            bytes = Compress(bytes);
        }

        await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gzip-compresses (fastest level) a byte array.</summary>
    public static byte[] Compress(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var ms = new MemoryStream((bytes.Length / 4) + 1024);
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(bytes);
        }

        return ms.ToArray();
    }

    /// <summary>The uncompressed .nii bytes of a volume.</summary>
    public static byte[] Encode<T>(Volume<T> volume, string? description = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing NIfTI requires a little-endian machine.");
        }

        NiftiDataType type = DataTypeOf<T>();
        var h = new NiftiHeader { DataType = type, Description = description ?? string.Empty };
        h.BitPix = (short)(8 * NiftiHeader.BytesPerVoxel(type));
        if (volume.SizeX > short.MaxValue || volume.SizeY > short.MaxValue || volume.SizeZ > short.MaxValue)
        {
            throw new ArgumentException("NIfTI-1 dimensions are limited to 32767.", nameof(volume));
        }

        h.Dim[0] = 3;
        h.Dim[1] = (short)volume.SizeX;
        h.Dim[2] = (short)volume.SizeY;
        h.Dim[3] = (short)volume.SizeZ;
        for (int i = 4; i < 8; i++)
        {
            h.Dim[i] = 1;
        }

        h.SclSlope = 1;
        h.SclInter = 0;
        NiftiGeometry.Apply(h, volume.Geometry);
        ReadOnlySpan<byte> data = MemoryMarshal.AsBytes(volume.Data.AsSpan());
        byte[] result = new byte[NiftiHeader.DefaultVoxOffset + data.Length];
        h.WriteTo(result);
        data.CopyTo(result.AsSpan(NiftiHeader.DefaultVoxOffset));
        return result;
    }

    public static NiftiDataType DataTypeOf<T>()
        where T : unmanaged
    {
        Type t = typeof(T);
        if (t == typeof(byte)) { return NiftiDataType.UInt8; }
        if (t == typeof(sbyte)) { return NiftiDataType.Int8; }
        if (t == typeof(short)) { return NiftiDataType.Int16; }
        if (t == typeof(ushort)) { return NiftiDataType.UInt16; }
        if (t == typeof(int)) { return NiftiDataType.Int32; }
        if (t == typeof(uint)) { return NiftiDataType.UInt32; }
        if (t == typeof(float)) { return NiftiDataType.Float32; }
        if (t == typeof(double)) { return NiftiDataType.Float64; }
        throw new NotSupportedException($"No NIfTI datatype for {t.Name}.");
    }
}
