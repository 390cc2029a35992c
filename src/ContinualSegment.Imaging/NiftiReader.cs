using System.Buffers.Binary;
using System.IO.Compression;

namespace ContinualSegment.Imaging;

/// <summary>Reads single-file NIfTI-1 images (.nii, .nii.gz) into volumes in LPS geometry.</summary>
public static class NiftiReader
{
    /// <summary>Reads an image as float, applying scl_slope/scl_inter when slope is non-zero.</summary>
    public static async Task<Volume<float>> ReadFloatAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes = await LoadAsync(path, cancellationToken).ConfigureAwait(false);
        return ReadFloat(bytes);
    }

    /// <summary>Reads a label map; values must be whole numbers in 0..65535 after scaling.</summary>
    public static async Task<Volume<ushort>> ReadLabelsAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes = await LoadAsync(path, cancellationToken).ConfigureAwait(false);
        return ReadLabels(bytes);
    }

    /// <summary>Reads the header only.</summary>
    public static async Task<NiftiHeader> ReadHeaderAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes = await LoadAsync(path, cancellationToken).ConfigureAwait(false);
        return NiftiHeader.Parse(bytes);
    }

    public static Volume<float> ReadFloat(ReadOnlySpan<byte> file)
    {
        NiftiHeader h = NiftiHeader.Parse(file);
        ReadOnlySpan<byte> data = DataSpan(file, h);
        var vol = new Volume<float>(h.SizeX, h.SizeY, h.SizeZ, NiftiGeometry.Read(h));
        (double slope, double inter) = Scaling(h);
        float[] dst = vol.Data;
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = (float)((Raw(data, h, i) * slope) + inter);
        }

        return vol;
    }

    public static Volume<ushort> ReadLabels(ReadOnlySpan<byte> file)
    {
        NiftiHeader h = NiftiHeader.Parse(file);
        ReadOnlySpan<byte> data = DataSpan(file, h);
        var vol = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, NiftiGeometry.Read(h));
        (double slope, double inter) = Scaling(h);
        ushort[] dst = vol.Data;
        for (int i = 0; i < dst.Length; i++)
        {
            double v = (Raw(data, h, i) * slope) + inter;
            double r = Math.Round(v);
            if (Math.Abs(v - r) > 1e-3 || r < 0 || r > ushort.MaxValue)
            {
                throw new InvalidDataException($"Voxel {i} has value {v}, which is not a label (0..65535).");
            }

            dst[i] = (ushort)r;
        }

        return vol;
    }

    // scl_slope 0 (or not finite) means no scaling.
    private static (double Slope, double Inter) Scaling(NiftiHeader h)
    {
        bool scale = h.SclSlope != 0 && float.IsFinite(h.SclSlope);
        return (scale ? h.SclSlope : 1.0, scale && float.IsFinite(h.SclInter) ? h.SclInter : 0.0);
    }

    /// <summary>
    /// Reads a NIfTI file (gzip-compressed when it starts with the gzip magic): the header is read and
    /// validated first, then exactly the bytes it announces are allocated and read.
    /// </summary>
    public static async Task<byte[]> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        byte[] magic = new byte[2];
        int got = await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            await using var gz = new GZipStream(file, CompressionMode.Decompress);
            return await ReadValidatedAsync(gz, cancellationToken).ConfigureAwait(false);
        }

        return await ReadValidatedAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadValidatedAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[NiftiHeader.HeaderSize];
        int got = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got < header.Length)
        {
            throw new InvalidDataException($"A NIfTI-1 header needs {NiftiHeader.HeaderSize} bytes, the file has {got}.");
        }

        NiftiHeader h = NiftiHeader.Parse(header);
        long total = (long)h.VoxOffset + (h.VoxelCount * NiftiHeader.BytesPerVoxel(h.DataType));
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"NIfTI image of {total} bytes is too large.");
        }

        byte[] all = new byte[total];
        header.CopyTo(all, 0);
        int rest = await stream.ReadAtLeastAsync(all.AsMemory(header.Length), all.Length - header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (rest < all.Length - header.Length)
        {
            throw new InvalidDataException($"NIfTI file is truncated: needs {total} bytes, has {header.Length + rest}.");
        }

        return all;
    }

    private static ReadOnlySpan<byte> DataSpan(ReadOnlySpan<byte> file, NiftiHeader h)
    {
        long offset = (long)h.VoxOffset;
        long need = h.VoxelCount * NiftiHeader.BytesPerVoxel(h.DataType);
        if (offset + need > file.Length)
        {
            throw new InvalidDataException($"NIfTI file is truncated: needs {offset + need} bytes, has {file.Length}.");
        }

        return file.Slice((int)offset, (int)need);
    }

    private static double Raw(ReadOnlySpan<byte> d, NiftiHeader h, int i)
    {
        bool be = h.BigEndian;
        return h.DataType switch
        {
            NiftiDataType.UInt8 => d[i],
            NiftiDataType.Int8 => (sbyte)d[i],
            NiftiDataType.Int16 => be ? BinaryPrimitives.ReadInt16BigEndian(d[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(d[(2 * i)..]),
            NiftiDataType.UInt16 => be ? BinaryPrimitives.ReadUInt16BigEndian(d[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(d[(2 * i)..]),
            NiftiDataType.Int32 => be ? BinaryPrimitives.ReadInt32BigEndian(d[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(d[(4 * i)..]),
            NiftiDataType.UInt32 => be ? BinaryPrimitives.ReadUInt32BigEndian(d[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(d[(4 * i)..]),
            NiftiDataType.Float32 => be ? BinaryPrimitives.ReadSingleBigEndian(d[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(d[(4 * i)..]),
            NiftiDataType.Float64 => be ? BinaryPrimitives.ReadDoubleBigEndian(d[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(d[(8 * i)..]),
            _ => throw new NotSupportedException($"NIfTI datatype {h.DataType} is not supported."),
        };
    }
}
