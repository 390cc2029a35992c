using System.Buffers.Binary;
using System.Text;

namespace ContinualSegment.Imaging;

/// <summary>The fields of a NIfTI-1 single-file header (348 bytes) that this library reads and writes.</summary>
public sealed class NiftiHeader
{
    public const int HeaderSize = 348;

    public const int DefaultVoxOffset = 352;

    /// <summary>Largest voxel offset accepted when reading (extensions beyond this are refused).</summary>
    public const int MaxVoxOffset = 1 << 24;

    public short[] Dim { get; } = new short[8];

    public float[] PixDim { get; } = new float[8];

    public NiftiDataType DataType { get; set; }

    public short BitPix { get; set; }

    public float VoxOffset { get; set; } = DefaultVoxOffset;

    public float SclSlope { get; set; }

    public float SclInter { get; set; }

    public byte XyztUnits { get; set; } = 2 | 8; // millimetres, seconds

    public string Description { get; set; } = string.Empty;

    public short QFormCode { get; set; }

    public short SFormCode { get; set; }

    public float QuaternB { get; set; }

    public float QuaternC { get; set; }

    public float QuaternD { get; set; }

    public float QOffsetX { get; set; }

    public float QOffsetY { get; set; }

    public float QOffsetZ { get; set; }

    /// <summary>sform rows x, y, z (4 values each), RAS.</summary>
    public float[] SRow { get; } = new float[12];

    public bool BigEndian { get; private set; }

    public int SizeX => Dim[1];

    public int SizeY => Dim[0] >= 2 ? Dim[2] : 1;

    public int SizeZ => Dim[0] >= 3 ? Dim[3] : 1;

    /// <summary>Bytes per voxel of <see cref="DataType"/>.</summary>
    public static int BytesPerVoxel(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
        NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 => 4,
        NiftiDataType.Float64 => 8,
        _ => throw new NotSupportedException($"NIfTI datatype {(short)type} is not supported."),
    };

    /// <summary>Parses and validates a header; <paramref name="bytes"/> must hold at least 348 bytes.</summary>
    public static NiftiHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize)
        {
            throw new InvalidDataException($"A NIfTI-1 header needs {HeaderSize} bytes, got {bytes.Length}.");
        }

        var h = new NiftiHeader();
        int le = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int be = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (le == HeaderSize)
        {
            h.BigEndian = false;
        }
        else if (be == HeaderSize)
        {
            h.BigEndian = true;
        }
        else
        {
            throw new InvalidDataException($"Not a NIfTI-1 header: sizeof_hdr is {le}, expected {HeaderSize}.");
        }

        var r = new Reader(bytes, h.BigEndian);
        string magic = Encoding.ASCII.GetString(bytes.Slice(344, 3));
        if (magic != "n+1" && magic != "ni1")
        {
            throw new InvalidDataException($"Bad NIfTI-1 magic '{magic}'.");
        }

        if (magic == "ni1")
        {
            throw new NotSupportedException("Two-file NIfTI (.hdr/.img) is not supported; use a single .nii file.");
        }

        for (int i = 0; i < 8; i++)
        {
            h.Dim[i] = r.Int16(40 + (2 * i));
            h.PixDim[i] = r.Single(76 + (4 * i));
        }

        h.DataType = (NiftiDataType)r.Int16(70);
        h.BitPix = r.Int16(72);
        h.VoxOffset = r.Single(108);
        h.SclSlope = r.Single(112);
        h.SclInter = r.Single(116);
        h.XyztUnits = bytes[123];
        h.Description = Encoding.ASCII.GetString(bytes.Slice(148, 80)).TrimEnd('\0');
        h.QFormCode = r.Int16(252);
        h.SFormCode = r.Int16(254);
        h.QuaternB = r.Single(256);
        h.QuaternC = r.Single(260);
        h.QuaternD = r.Single(264);
        h.QOffsetX = r.Single(268);
        h.QOffsetY = r.Single(272);
        h.QOffsetZ = r.Single(276);
        for (int i = 0; i < 12; i++)
        {
            h.SRow[i] = r.Single(280 + (4 * i));
        }

        h.Validate();
        return h;
    }

    /// <summary>Number of voxels (checked against <see cref="Volume{T}.MaxVoxels"/>).</summary>
    public long VoxelCount => (long)SizeX * SizeY * SizeZ;

    /// <summary>Checks dimensions, datatype and offsets; throws <see cref="InvalidDataException"/>.</summary>
    public void Validate()
    {
        int nd = Dim[0];
        if (nd < 1 || nd > 7)
        {
            throw new InvalidDataException($"NIfTI dim[0] must be 1..7, got {nd}.");
        }

        for (int i = 1; i <= nd; i++)
        {
            if (Dim[i] < 1)
            {
                throw new InvalidDataException($"NIfTI dim[{i}] must be positive, got {Dim[i]}.");
            }
        }

        for (int i = 4; i <= nd; i++)
        {
            if (Dim[i] != 1)
            {
                throw new NotSupportedException($"Only 3D NIfTI images are supported (dim[{i}] = {Dim[i]}).");
            }
        }

        if (!Enum.IsDefined(DataType))
        {
            throw new NotSupportedException($"NIfTI datatype {(short)DataType} is not supported.");
        }

        if (BitPix != 8 * BytesPerVoxel(DataType))
        {
            throw new InvalidDataException($"NIfTI bitpix {BitPix} does not match datatype {DataType}.");
        }

        if (VoxelCount > Volume<byte>.MaxVoxels)
        {
            throw new InvalidDataException($"NIfTI image of {VoxelCount} voxels exceeds the limit.");
        }

        if (!float.IsFinite(VoxOffset) || VoxOffset < HeaderSize || VoxOffset > MaxVoxOffset)
        {
            throw new InvalidDataException($"NIfTI vox_offset {VoxOffset} is out of range.");
        }
    }

    /// <summary>Writes the 348-byte header (little endian) into <paramref name="dest"/>.</summary>
    public void WriteTo(Span<byte> dest)
    {
        if (dest.Length < HeaderSize)
        {
            throw new ArgumentException("Destination too small.", nameof(dest));
        }

        dest[..HeaderSize].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(dest, HeaderSize);
        dest[38] = (byte)'r';
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(dest[(40 + (2 * i))..], Dim[i]);
            BinaryPrimitives.WriteSingleLittleEndian(dest[(76 + (4 * i))..], PixDim[i]);
        }

        BinaryPrimitives.WriteInt16LittleEndian(dest[70..], (short)DataType);
        BinaryPrimitives.WriteInt16LittleEndian(dest[72..], BitPix);
        BinaryPrimitives.WriteSingleLittleEndian(dest[108..], VoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(dest[112..], SclSlope);
        BinaryPrimitives.WriteSingleLittleEndian(dest[116..], SclInter);
        dest[123] = XyztUnits;
        byte[] desc = Encoding.ASCII.GetBytes(Description);
        desc.AsSpan(0, Math.Min(desc.Length, 79)).CopyTo(dest[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(dest[252..], QFormCode);
        BinaryPrimitives.WriteInt16LittleEndian(dest[254..], SFormCode);
        BinaryPrimitives.WriteSingleLittleEndian(dest[256..], QuaternB);
        BinaryPrimitives.WriteSingleLittleEndian(dest[260..], QuaternC);
        BinaryPrimitives.WriteSingleLittleEndian(dest[264..], QuaternD);
        BinaryPrimitives.WriteSingleLittleEndian(dest[268..], QOffsetX);
        BinaryPrimitives.WriteSingleLittleEndian(dest[272..], QOffsetY);
        BinaryPrimitives.WriteSingleLittleEndian(dest[276..], QOffsetZ);
        for (int i = 0; i < 12; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(dest[(280 + (4 * i))..], SRow[i]);
        }

        dest[344] = (byte)'n';
        dest[345] = (byte)'+';
        dest[346] = (byte)'1';
    }

    private readonly ref struct Reader(ReadOnlySpan<byte> b, bool big)
    {
        private readonly ReadOnlySpan<byte> b = b;

        public short Int16(int o) => big ? BinaryPrimitives.ReadInt16BigEndian(b[o..]) : BinaryPrimitives.ReadInt16LittleEndian(b[o..]);

        public float Single(int o) => big ? BinaryPrimitives.ReadSingleBigEndian(b[o..]) : BinaryPrimitives.ReadSingleLittleEndian(b[o..]);
    }
}
